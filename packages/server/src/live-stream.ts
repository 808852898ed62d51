/**
 * The async iterator behind one live subscription: a feed pushes, graphql-ws pulls. States (a
 * product's stock, a round) are keyed: a newer state replaces the queued one about the same thing,
 * in its place, so a subscriber that reads slowly sees fewer steps but never an older state after
 * a newer one. Notices have no key and are all kept, up to a bound past which the subscription
 * ends with LIVE_UPDATES_INTERRUPTED rather than grow without limit (the subscriber resubscribes).
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '@distribution/errors';

export const MAX_QUEUED_EVENTS = 10_000;

/** Why a subscription ended early: events it should have had may be missing, so the subscriber must subscribe again. */
export function liveUpdatesInterrupted(why: string): GraphQLError {
  return new GraphQLError(`Live updates were interrupted (${why}); subscribe again (state subscriptions start with a fresh snapshot)`, {
    extensions: { code: ErrorCode.LiveUpdatesInterrupted },
  });
}

/** Hand-written rather than an async generator: `return()` must end it even while it waits. */
export class LiveStream<T> implements AsyncIterableIterator<T> {
  private readonly queue = new Map<string, T>();
  private sequence = 0;
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;
  private finished = false;

  /** `onClose` runs once when the subscriber leaves or the stream fails. */
  constructor(
    private readonly onClose: () => void,
    private readonly maxQueued = MAX_QUEUED_EVENTS,
  ) {}

  /** Queues `value`; with a `key`, a queued value with the same key is replaced in its place. */
  push(value: T, key?: string): void {
    if (this.closed) return;
    const slot = key === undefined ? `#${this.sequence++}` : `=${key}`;
    if (!this.queue.has(slot) && this.queue.size >= this.maxQueued) {
      this.fail(liveUpdatesInterrupted('the subscriber fell too far behind'));
      return;
    }
    this.queue.set(slot, value);
    this.wake();
  }

  /** Ends the stream with `error` once the events queued before it are read. */
  fail(error: Error): void {
    if (this.closed) return;
    this.failure = error;
    this.onClose();
    this.wake();
  }

  get closed(): boolean {
    return this.finished || this.failure !== null;
  }

  async next(): Promise<IteratorResult<T>> {
    while (this.queue.size === 0 && !this.failure && !this.finished) {
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
    if (this.finished) return { value: undefined, done: true };
    const first = this.queue.entries().next();
    if (!first.done) {
      const [slot, value] = first.value;
      this.queue.delete(slot);
      return { value, done: false };
    }
    const error = this.failure!;
    this.finish();
    throw error;
  }

  async return(): Promise<IteratorResult<T>> {
    this.finish();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.queue.clear();
    if (!this.failure) this.onClose();
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}
