import { describe, expect, it } from 'vitest';
import type { PostgresListener } from '@distribution/events';
import { createLogger } from '@distribution/logging';
import { ORDER_CHANGED_CHANNEL, OrderSignals } from '../src/events/order-signals.js';

/** A LISTEN connection stand-in: `notify` plays a committed pg_notify, `resume` a LISTEN back after a lost connection. */
function fakeListener() {
  const callbacks = new Map<string, Set<(payload: string) => void>>();
  const resumed = new Set<() => void>();
  const listener = {
    async listen(channel: string, cb: (payload: string) => void, options: { onResumed?: () => void } = {}) {
      if (!callbacks.has(channel)) callbacks.set(channel, new Set());
      callbacks.get(channel)!.add(cb);
      if (options.onResumed) resumed.add(options.onResumed);
      return async () => {
        callbacks.get(channel)!.delete(cb);
      };
    },
  } as unknown as PostgresListener;
  return {
    listener,
    notify: (id: string) => callbacks.get(ORDER_CHANGED_CHANNEL)?.forEach((cb) => cb(id)),
    resume: () => resumed.forEach((onResumed) => onResumed()),
  };
}

/** Every value is news; none is last. */
const ALWAYS = { fingerprint: () => String(Math.random()), isLast: () => false };

const logger = createLogger('test', 'silent');

describe('waiting for an order to change', () => {
  it('never misses a change committed while it was checking: it checks again at once', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let status = 'PENDING';
    let checks = 0;
    const started = Date.now();
    const result = await signals.waitFor('o-1', 5_000, async () => {
      checks += 1;
      if (checks === 1) {
        // The outcome commits between reading PENDING and starting to wait.
        const seen = status;
        status = 'CONFIRMED';
        notify('o-1');
        return seen === 'PENDING' ? null : seen;
      }
      return status === 'PENDING' ? null : status;
    });
    expect(result).toBe('CONFIRMED');
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('wakes on the order’s own notification, not on another order’s', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let status: string | null = null;
    const waiting = signals.waitFor('o-1', 5_000, async () => status);
    await new Promise((r) => setTimeout(r, 20));
    status = 'CONFIRMED';
    const started = Date.now();
    notify('o-1');
    expect(await waiting).toBe('CONFIRMED');
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('gives up with null when the bound passes', async () => {
    const { listener } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    const started = Date.now();
    expect(await signals.waitFor('o-1', 150, async () => null)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('streams the order now and after each change, and a return() ends a stream that is waiting', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let version = 0;
    const stream = signals.changesOf('o-1', async () => version, ALWAYS);
    expect(await stream.next()).toEqual({ value: 0, done: false });
    const next = stream.next();
    version = 1;
    notify('o-2');
    notify('o-1');
    expect(await next).toEqual({ value: 1, done: false });
    const waiting = stream.next();
    await stream.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('leaves out a state the same as the one just sent, and ends after a last one', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let state = { status: 'CONFIRMED', cancellationRequested: false };
    const stream = signals.changesOf('o-1', async () => state, { fingerprint: (s) => JSON.stringify(s), isLast: (s) => s.status === 'CANCELLED' });
    expect(await stream.next()).toEqual({ value: state, done: false });
    const next = stream.next();
    notify('o-1'); // woken, but nothing changed: not sent
    await new Promise((r) => setTimeout(r, 20));
    state = { status: 'CONFIRMED', cancellationRequested: true };
    notify('o-1');
    expect(await next).toEqual({ value: { status: 'CONFIRMED', cancellationRequested: true }, done: false });
    state = { status: 'CANCELLED', cancellationRequested: false };
    notify('o-1');
    expect(await stream.next()).toEqual({ value: state, done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('reads every watched order again when LISTEN is back after a lost connection', async () => {
    const { listener, resume } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let version = 0;
    const stream = signals.changesOf('o-1', async () => version, { fingerprint: String, isLast: () => false });
    expect(await stream.next()).toEqual({ value: 0, done: false });
    const next = stream.next();
    version = 1; // committed while no one listened: no notification
    resume();
    expect(await next).toEqual({ value: 1, done: false });
    await stream.return!();
  });
});
