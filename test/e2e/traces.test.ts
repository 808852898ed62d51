/**
 * One order, one trace: a placeOrder sent with a W3C traceparent is followed through the gateway,
 * the order subgraph, the bus to inventory and back to order, every span in the client's trace.
 * The whole network runs in this process, its spans kept in memory (recordTraces).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, recordTraces, type ReadableSpan, type RecordedTracing } from '@distribution/tracing/testing';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { PLACE_ORDER, createProduct, openRound, registerCustomer, registerManufacturer, type Customer } from './scenario.js';

/** The tracer (scope) name: each service's spans are made by the tracer of its name (its schema's: `orders`, `inventory`). */
const scopeOf = (span: ReadableSpan) => span.instrumentationScope.name;
const startOf = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing an order', () => {
  let tracing: RecordedTracing;
  let net: TestNetwork;
  let customer: Customer;
  let productId: string;
  beforeAll(async () => {
    tracing = recordTraces();
    net = await startTestNetwork();
    const maker = await registerManufacturer(net);
    productId = await createProduct(net, maker, { supply: 5 });
    await openRound(net);
    customer = await registerCustomer(net, 'traced');
  });
  afterAll(async () => {
    await net?.close();
    await tracing?.stop();
  });

  it('shows one placeOrder as one trace, from the client through order, inventory and order again', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const answer = await net.as(customer.token)(
      PLACE_ORDER,
      { input: { lines: [{ productId, quantity: 2 }], idempotencyKey: 'traced-order-1' } },
      { traceparent: `00-${traceId}-${clientSpanId}-01` },
    );
    expect(answer.data.placeOrder).toMatchObject({ __typename: 'Order', status: 'CONFIRMED' });

    // Spans end after the answer (the relay's, the order consumer's commit): wait for the last step.
    const trace = await eventually(() => {
      const spans = tracing.spans().filter((s) => s.spanContext().traceId === traceId);
      const back = spans.find((s) => s.name === 'consume order.outcomes');
      if (!back) throw new Error(`the order service has not applied the outcome yet (${spans.length} spans)`);
      return spans;
    });
    const one = (what: string, test: (s: ReadableSpan) => boolean) => {
      const found = trace.filter(test);
      expect(found, `${what} in ${trace.map((s) => `${scopeOf(s)}: ${s.name}`).join('; ')}`).toHaveLength(1);
      return found[0]!;
    };

    const gateway = one('the gateway request', (s) => scopeOf(s) === 'gateway' && s.kind === SpanKind.SERVER);
    const call = one('the gateway call to order', (s) => scopeOf(s) === 'gateway' && s.name === 'subgraph order');
    const order = one('the order request', (s) => scopeOf(s) === 'orders' && s.kind === SpanKind.SERVER);
    const placed = one('OrderPlaced published', (s) => scopeOf(s) === 'orders' && s.kind === SpanKind.PRODUCER);
    const reserving = one('inventory applying the order', (s) => scopeOf(s) === 'inventory' && s.kind === SpanKind.CONSUMER && s.name === 'consume inventory.orders');
    const reserved = one('StockReserved published', (s) => scopeOf(s) === 'inventory' && s.kind === SpanKind.PRODUCER && s.name.includes('StockReserved'));
    const confirming = one('order applying the outcome', (s) => scopeOf(s) === 'orders' && s.name === 'consume order.outcomes');

    // Each step is a child of the step that caused it, the first of the client's span; the call to
    // order under the gateway's request (through Apollo Gateway's own spans when it planned the request).
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const ancestorsOf = (span: ReadableSpan): string[] => {
      const parent = byId.get(parentOf(span) ?? '');
      return parent ? [parent.spanContext().spanId, ...ancestorsOf(parent)] : [];
    };
    expect(parentOf(gateway)).toBe(clientSpanId);
    expect(ancestorsOf(call)).toContain(gateway.spanContext().spanId);
    expect(parentOf(order)).toBe(call.spanContext().spanId);
    expect(parentOf(placed)).toBe(order.spanContext().spanId);
    expect(parentOf(reserving)).toBe(order.spanContext().spanId);
    expect(parentOf(reserved)).toBe(reserving.spanContext().spanId);
    expect(parentOf(confirming)).toBe(reserving.spanContext().spanId);
    expect(confirming.attributes['messaging.message.types']).toEqual(['StockReserved']);
    // And in that order of time.
    const steps = [gateway, call, order, reserving, confirming].map(startOf);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });
});
