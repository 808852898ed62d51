/**
 * Wake-ups when an order changes. Whoever changes an order calls `announceOrderChanges` inside its
 * transaction (NOTIFY is delivered at commit, so only committed changes are announced, to every
 * replica); waiting mutations and subscriptions hear it through the process's shared LISTEN. When
 * that connection was lost, what was announced meanwhile reached no one: once LISTEN is back,
 * every watched order is woken, so each waiter and subscription reads its order afresh.
 */
import type { PostgresListener } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import type { Sql } from '@distribution/db';
import { currentTraceparent, withSpan } from '@distribution/tracing';

export const ORDER_CHANGED_CHANNEL = 'order_outcome';
/** Waiters re-check at least this often, so a lost connection or NOTIFY costs latency, not an answer. */
const RECHECK_MS = 500;

/**
 * Announces, at commit, that these orders changed. The payload is the order id, followed by a space
 * and the W3C traceparent of the change when it was traced: the subscription delivery that it
 * causes continues that trace.
 */
export async function announceOrderChanges(sql: Sql, orderIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return;
  await sql.query(`SELECT pg_notify('${ORDER_CHANGED_CHANNEL}', id || coalesce(' ' || $2::text, '')) FROM unnest($1::text[]) AS id`, [ids, currentTraceparent() ?? null]);
}

/** Called after a committed change of an order, with the traceparent of the change when it was traced. */
type OnChange = (traceparent?: string) => void;

export class OrderSignals {
  private readonly watchers = new Map<string, Set<OnChange>>();
  private listening: Promise<void> | null = null;
  // One function for every attempt: the listener keeps callbacks by identity, so a retried LISTEN adds none twice.
  private readonly onPayload = (payload: string) => {
    const [orderId, traceparent] = payload.split(' ', 2);
    this.wake(orderId!, traceparent);
  };
  private readonly onResumed = () => this.wakeAll();

  constructor(
    private readonly listener: PostgresListener,
    private readonly logger: Logger,
  ) {}

  /** Calls `onChange` after every committed change of the order; resolves (with the stop function) once listening. */
  async watch(orderId: string, onChange: OnChange): Promise<() => void> {
    let set = this.watchers.get(orderId);
    if (!set) this.watchers.set(orderId, (set = new Set()));
    set.add(onChange);
    await this.ensureListening();
    return () => {
      set!.delete(onChange);
      if (set!.size === 0 && this.watchers.get(orderId) === set) this.watchers.delete(orderId);
    };
  }

  /**
   * Runs `check` until it gives a value, again after each change of the order and at least every
   * RECHECK_MS; null when `timeoutMs` passes first. The watch starts before the first check, so a
   * change committed just before it (or while it runs) is never missed.
   */
  async waitFor<T>(orderId: string, timeoutMs: number, check: () => Promise<T | null>): Promise<T | null> {
    const watch = await this.watchOrder(orderId);
    try {
      return await watch.until(timeoutMs, check, { checkFirst: true });
    } finally {
      watch.stop();
    }
  }

  /**
   * Starts hearing the order's changes now, before the caller writes it: a caller that then
   * commits the order itself needs no first read, as nothing about it can have been announced
   * unheard (placeOrder saves a statement per order this way).
   */
  async watchOrder(orderId: string): Promise<OrderWatch> {
    const watch = new OrderWatch();
    watch.stop = await this.watch(orderId, () => watch.changed());
    return watch;
  }

  /**
   * An async iterator of `load()`: once at once, then after each change (changes in between
   * coalesce), leaving out a value the same as the one before; it ends after a value that is last.
   */
  changesOf<T>(orderId: string, load: () => Promise<T>, rules: ChangeRules<T>): AsyncIterableIterator<T> {
    return new OrderChangeStream(this, orderId, load, rules);
  }

  private wake(orderId: string, traceparent?: string) {
    for (const callback of [...(this.watchers.get(orderId) ?? [])]) callback(traceparent);
  }

  private wakeAll() {
    this.logger.warn({ orders: this.watchers.size }, 'LISTEN resumed after a lost connection; reading every watched order again');
    for (const orderId of [...this.watchers.keys()]) this.wake(orderId);
  }

  private ensureListening(): Promise<void> {
    this.listening ??= this.listener.listen(ORDER_CHANGED_CHANNEL, this.onPayload, { onResumed: this.onResumed }).then(
      () => undefined,
      (error) => {
        // Waiters still re-check on their own; the next watch tries to listen again.
        this.listening = null;
        this.logger.warn({ err: error }, 'could not LISTEN for order changes; falling back to polling');
      },
    );
    return this.listening;
  }
}

/** The changes of one order heard since the watch began; `stop` ends it. */
export class OrderWatch {
  private heard = false;
  private wakeUp: (() => void) | null = null;
  stop: () => void = () => {};

  changed(): void {
    this.heard = true;
    this.wakeUp?.();
  }

  /**
   * Runs `check` (at once when `checkFirst`, else after the first change or RECHECK_MS) until it
   * gives a value, again after each change and at least every RECHECK_MS; null past `timeoutMs`.
   */
  async until<T>(timeoutMs: number, check: () => Promise<T | null>, options: { checkFirst: boolean }): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    let checkNow = options.checkFirst || this.heard;
    for (;;) {
      if (checkNow) {
        this.heard = false;
        const value = await check();
        if (value !== null) return value;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      if (!this.heard) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(
            () => {
              this.wakeUp = null;
              resolve();
            },
            Math.min(left, RECHECK_MS),
          );
          this.wakeUp = () => {
            clearTimeout(timer);
            this.wakeUp = null;
            resolve();
          };
        });
      }
      checkNow = true;
    }
  }
}

export interface ChangeRules<T> {
  /** Values with the same fingerprint are the same state: one is not sent again right after the other. */
  fingerprint(value: T): string;
  /** After a last value the stream ends (nothing can change any more). */
  isLast(value: T): boolean;
}

/** A hand-written iterator rather than an async generator: `return()` must end it even while it waits. */
class OrderChangeStream<T> implements AsyncIterableIterator<T> {
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
