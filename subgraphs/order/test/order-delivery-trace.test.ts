/** A subscriber's order update joins the trace of the change that caused it (the order_outcome NOTIFY carries its traceparent). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresListener } from '@distribution/events';
import { createLogger } from '@distribution/logging';
import { recordTraces, type RecordedTracing } from '@distribution/tracing/testing';
import { ORDER_CHANGED_CHANNEL, OrderSignals } from '../src/events/order-signals.js';

/** A LISTEN connection stand-in: `notify` plays a committed pg_notify with this payload. */
function fakeListener() {
  const callbacks = new Set<(payload: string) => void>();
  const listener = {
    async listen(channel: string, cb: (payload: string) => void) {
      if (channel === ORDER_CHANGED_CHANNEL) callbacks.add(cb);
      return async () => void callbacks.delete(cb);
    },
  } as unknown as PostgresListener;
  return { listener, notify: (payload: string) => callbacks.forEach((cb) => cb(payload)) };
}

describe('delivering an order change to a subscriber', () => {
  let tracing: RecordedTracing;
  beforeAll(() => {
    tracing = recordTraces();
  });
  afterAll(() => tracing.stop());

  it('reads and delivers the change in the trace of the change, and untraced changes make no span', async () => {
    const { listener, notify } = fakeListener();
    const signals = new OrderSignals(listener, createLogger('test', 'silent'));
    let status = 'PENDING';
    const changes = signals.changesOf('o-1', async () => status, { fingerprint: (s) => s, isLast: (s) => s === 'REJECTED' });
    expect((await changes.next()).value).toBe('PENDING');

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const next = changes.next();
    status = 'CONFIRMED';
    notify(`o-1 00-${traceId}-00f067aa0ba902b7-01`);
    expect((await next).value).toBe('CONFIRMED');
    const deliveries = tracing.spans().filter((s) => s.name === 'deliver orderStatusChanged');
    expect(deliveries.map((s) => [s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([[traceId, '00f067aa0ba902b7']]);

    // A change announced without a traceparent (tracing off where it was made) is delivered untraced.
    const last = changes.next();
    status = 'REJECTED';
    notify('o-1');
    expect((await last).value).toBe('REJECTED');
    expect(tracing.spans().filter((s) => s.name === 'deliver orderStatusChanged')).toHaveLength(1);
  });
});
