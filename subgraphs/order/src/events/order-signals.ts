/**
 * Wake-ups when an order changes. Whoever changes an order calls `announceOrderChanges` inside its
 * transaction (NOTIFY is delivered at commit, so only committed changes are announced, to every
 * replica); waiting mutations and subscriptions hear it through the process's shared LISTEN.
 */
import type { PostgresListener } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import type { Sql } from '../db/records.js';

export const ORDER_CHANGED_CHANNEL = 'order_outcome';
/** Waiters re-check at least this often, so a lost connection or NOTIFY costs latency, not an answer. */
const RECHECK_MS = 500;

export async function announceOrderChanges(sql: Sql, orderIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return;
  await sql.query(`SELECT pg_notify('${ORDER_CHANGED_CHANNEL}', id) FROM unnest($1::text[]) AS id`, [ids]);
}

export class OrderSignals {
  private readonly watchers = new Map<string, Set<() => void>>();
  private listening: Promise<void> | null = null;

  constructor(private readonly listener: PostgresListener, private readonly logger: Logger) {}

  /** Calls `onChange` after every committed change of the order; resolves (with the stop function) once listening. */
  async watch(orderId: string, onChange: () => void): Promise<() => void> {
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
    const deadline = Date.now() + timeoutMs;
    let changed = false;
    let wakeUp: (() => void) | null = null;
    const stop = await this.watch(orderId, () => { changed = true; wakeUp?.(); });
    try {
      for (;;) {
        changed = false;
        const value = await check();
        if (value !== null) return value;
        const left = deadline - Date.now();
        if (left <= 0) return null;
        if (!changed) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => { wakeUp = null; resolve(); }, Math.min(left, RECHECK_MS));
            wakeUp = () => { clearTimeout(timer); wakeUp = null; resolve(); };
          });
        }
      }
    } finally {
      stop();
    }
  }

  /** An async iterator of `load()`: once at once, then once after each change (changes in between coalesce). */
  changesOf<T>(orderId: string, load: () => Promise<T>): AsyncIterableIterator<T> {
    return new OrderChangeStream(this, orderId, load);
  }

  private wake(orderId: string) {
    for (const callback of this.watchers.get(orderId) ?? []) callback();
  }

  private ensureListening(): Promise<void> {
    this.listening ??= this.listener.listen(ORDER_CHANGED_CHANNEL, (orderId) => this.wake(orderId)).then(
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

/** A hand-written iterator rather than an async generator: `return()` must end it even while it waits. */
class OrderChangeStream<T> implements AsyncIterableIterator<T> {
  private pending = true;
  private finished = false;
  private waiting: (() => void) | null = null;
  private stop: (() => void) | null = null;
  private readonly started: Promise<void>;

  constructor(signals: OrderSignals, orderId: string, private readonly load: () => Promise<T>) {
    this.started = signals.watch(orderId, () => this.signal()).then((stop) => {
      if (this.finished) stop();
      else this.stop = stop;
    });
  }

  private signal() {
    this.pending = true;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  async next(): Promise<IteratorResult<T>> {
    await this.started;
    while (!this.pending && !this.finished) await new Promise<void>((resolve) => { this.waiting = resolve; });
    if (this.finished) return { value: undefined, done: true };
    this.pending = false;
    return { value: await this.load(), done: false };
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
