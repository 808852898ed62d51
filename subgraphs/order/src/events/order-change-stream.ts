/**
 * What an order subscription iterates: the order's state, read again after each change that
 * order-signals.ts hears, with repeats left out, ending after a state that is last.
 */
import { withSpan } from '@distribution/tracing';
import type { OrderSignals } from './order-signals.js';

export interface ChangeRules<T> {
  /** Values with the same fingerprint are the same state: one is not sent again right after the other. */
  fingerprint(value: T): string;
  /** After a last value the stream ends (nothing can change any more). */
  isLast(value: T): boolean;
}

/** A hand-written iterator rather than an async generator: `return()` must end it even while it waits. */
export class OrderChangeStream<T> implements AsyncIterableIterator<T> {
  private pending = true;
  private finished = false;
  /** A last value was sent: the next read ends the stream. */
  private ending = false;
  private sent: string | null = null;
  /** The traceparent of the change that woke it, when traced: the read and delivery it causes join that trace. */
  private cause: string | undefined;
  private waiting: (() => void) | null = null;
  private stop: (() => void) | null = null;
  private readonly started: Promise<void>;

  constructor(
    signals: OrderSignals,
    orderId: string,
    private readonly load: () => Promise<T>,
    private readonly rules: ChangeRules<T>,
  ) {
    this.started = signals
      .watch(orderId, (traceparent) => this.signal(traceparent))
      .then((stop) => {
        if (this.finished) stop();
        else this.stop = stop;
      });
  }

  private signal(traceparent?: string) {
    this.pending = true;
    this.cause = traceparent ?? this.cause;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  async next(): Promise<IteratorResult<T>> {
    await this.started;
    for (;;) {
      if (this.ending) return this.return();
      while (!this.pending && !this.finished)
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
      if (this.finished) return { value: undefined, done: true };
      this.pending = false;
      const cause = this.cause;
      this.cause = undefined;
      const value = cause ? await withSpan('order', 'deliver orderStatusChanged', this.load, { traceparent: cause }) : await this.load();
      if (this.finished) return { value: undefined, done: true };
      const fingerprint = this.rules.fingerprint(value);
      if (fingerprint === this.sent) continue; // woken, but nothing a subscriber sees changed
      this.sent = fingerprint;
      if (this.rules.isLast(value)) {
        this.ending = true;
        this.stop?.(); // nothing more to hear
        this.stop = null;
      }
      return { value, done: false };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.finished = true;
    this.stop?.();
    this.stop = null;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
