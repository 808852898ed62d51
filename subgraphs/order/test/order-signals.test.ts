import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

/** Lets every pending callback and promise run, on the real event loop (only timers and the clock are faked). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Tracks a promise: whether it settled and with what, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => Object.assign(state, { done: true, value }));
  return state;
}

describe('waiting for an order to change', () => {
  // The clock and timers stand still unless a test moves them: a waiter that missed a
  // notification would sit on its recheck timer and never settle, whatever the machine's speed.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never misses a change committed while it was checking: it checks again at once', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let status = 'PENDING';
    let checks = 0;
    const result = track(
      signals.waitFor('o-1', 5_000, async () => {
        checks += 1;
        if (checks === 1) {
          // The outcome commits between reading PENDING and starting to wait.
          const seen = status;
          status = 'CONFIRMED';
          notify('o-1');
          return seen === 'PENDING' ? null : seen;
        }
        return status === 'PENDING' ? null : status;
      }),
    );
    await settle();
    // No time passed and no timer fired: the second check came from the notification.
    expect(result).toEqual({ done: true, value: 'CONFIRMED' });
    expect(checks).toBe(2);
  });

  it('wakes on the order’s own notification, not on another order’s', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    let status: string | null = null;
    let checks = 0;
    const waiting = track(
      signals.waitFor('o-1', 5_000, async () => {
        checks += 1;
        return status;
      }),
    );
    await settle();
    expect(checks).toBe(1);
    status = 'CONFIRMED';
    notify('o-2');
    await settle();
    expect({ checks, waiting }).toEqual({ checks: 1, waiting: { done: false } });
    notify('o-1');
    await settle();
    expect({ checks, waiting }).toEqual({ checks: 2, waiting: { done: true, value: 'CONFIRMED' } });
  });

  it('gives up with null when the bound passes, not before', async () => {
    const { listener } = fakeListener();
    const signals = new OrderSignals(listener, logger);
    const waiting = track(signals.waitFor('o-1', 150, async () => null));
    await settle();
    await vi.advanceTimersByTimeAsync(149);
    await settle();
    expect(waiting).toEqual({ done: false });
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(waiting).toEqual({ done: true, value: null });
  });
});

describe('streaming an order', () => {
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
    const sent = track(next);
    notify('o-1'); // woken, but nothing changed: not sent
    await settle();
    expect(sent).toEqual({ done: false });
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
