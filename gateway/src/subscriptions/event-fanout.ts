/**
 * One resolution per event for every client holding the same subscription (same plan, variables
 * and access scope): events are resolved as they come, delivered in the order they came.
 */
import type { GraphQLFormattedError } from 'graphql';
import { resolveEvent, type EventScope, type UpstreamEvent } from './event-executor.js';
import { NextMessage } from './next-message.js';
import type { SubscriptionPlan } from './planner.js';

/** A client's subscription, as the fan-out sees it. */
export interface Subscriber {
  /** One event, serialised once for every subscriber; `key` says what the event is about (for coalescing). */
  next(message: NextMessage, key: string | undefined): void;
  /** Ends the subscription with an `error` message. */
  error(errors: readonly GraphQLFormattedError[]): void;
  /** Ends the subscription with a `complete` message. */
  complete(): void;
}

/** What the upstream pool calls for each upstream subscription it feeds. */
export interface UpstreamListener {
  event(event: UpstreamEvent): void;
  /** The upstream subscription ended: with errors for the clients, or normally. */
  end(errors?: readonly GraphQLFormattedError[]): void;
}

export class EventFanout implements UpstreamListener {
  private readonly subscribers = new Set<Subscriber>();
  /** The latest resolved event per key, for clients joining later (replayLatest fields only). */
  private readonly latest = new Map<string, NextMessage>();
  private delivered: Promise<void> = Promise.resolve();
  private ended = false;
  private ending = false;

  constructor(
    private readonly plan: SubscriptionPlan,
    private readonly scope: EventScope,
    /** Called once, when the last subscriber left or the upstream ended. */
    private readonly onClosed: () => void,
  ) {}

  /** False once ending: a new client must not join a fan-out about to send its last message. */
  get accepting(): boolean {
    return !this.ending && !this.ended;
  }

  add(subscriber: Subscriber): void {
    for (const [key, message] of this.latest) subscriber.next(message, key);
    this.subscribers.add(subscriber);
  }

  remove(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0 || this.ended) return;
    this.ended = true;
    this.onClosed();
  }

  event(event: UpstreamEvent): void {
    if (this.ended) return;
    const key = this.plan.eventKey?.(event.data);
    // Resolution starts now; delivery waits for the events before it.
    const resolved = resolveEvent(this.plan, event, this.scope);
    this.delivered = this.delivered.then(async () => {
      const message = new NextMessage(JSON.stringify(await resolved));
      if (this.ended) return;
      if (this.plan.replayLatest && key !== undefined) this.latest.set(key, message);
      for (const subscriber of this.subscribers) subscriber.next(message, key);
    });
  }

  end(errors?: readonly GraphQLFormattedError[]): void {
    if (this.ended || this.ending) return;
    this.ending = true;
    this.delivered = this.delivered.then(() => {
      if (this.ended) return;
      this.ended = true;
      const subscribers = [...this.subscribers];
      this.subscribers.clear();
      this.onClosed();
      for (const subscriber of subscribers) {
        if (errors) subscriber.error(errors);
        else subscriber.complete();
      }
    });
  }
}
