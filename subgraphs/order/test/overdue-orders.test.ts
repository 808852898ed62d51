import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { identityToHeaders } from '@distribution/auth';
import { roundClosed, stockRejectedV2, stockReleased, stockReserved } from '@distribution/contracts';
import { eventually, liveClient, type LiveClient } from '@distribution/testkit';
import { MAX_ASKS } from '../src/resolution/overdue-watch.js';
import { CANCEL_ORDER, INTERNAL_CREDENTIAL, ORDER, PLACE_ORDER, key, startHarness, type Harness } from './support/harness.js';

/** The bound: an order waiting longer for inventory is asked about. Short, so the tests see several asks. */
const TIMEOUT_MS = 300;

describe('orders that wait too long for inventory', () => {
  let h: Harness;
  const clients: LiveClient[] = [];
  beforeAll(async () => {
    h = await startHarness('order_overdue', { placeOrderWaitMs: 200, resolutionTimeoutMs: TIMEOUT_MS, eventPollIntervalMs: 50 });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    h.inventory.holding = true;
  }); // inventory hears every order, and answers none unless told
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  /** The OrderOverdue events the order service published about `orderId`, oldest first. */
  const asks = async (orderId: string) =>
    (
      await h.service.database.query(`SELECT payload FROM bus.events WHERE source = 'orders' AND type = 'OrderOverdue' AND payload->>'orderId' = $1 ORDER BY position`, [orderId])
    ).map((r: { payload: any }) => r.payload);
  const pendingOrder = async (who: Awaited<ReturnType<Harness['registerCustomer']>>) => {
    const res = await h.as(who)(PLACE_ORDER, { input: { lines: [{ productId: await h.product(), quantity: 2 }], idempotencyKey: key() } });
    expect(res.data.placeOrder).toMatchObject({ __typename: 'Order', status: 'PENDING' });
    return res.data.placeOrder.id as string;
  };

  it('asks inventory about a PENDING order once it is overdue, and tells the customer when inventory rejects it (TIMED_OUT)', async () => {
    const ada = await h.registerCustomer('Ada');
    const orderId = await pendingOrder(ada);
    const client = liveClient(h.service.url, identityToHeaders(ada, INTERNAL_CREDENTIAL));
    clients.push(client);
    const watch = client.watch('subscription($id: ID!) { orderStatusChanged(orderId: $id) { status rejectionReason rejection { lines { requested } } } }', { id: orderId });
    expect(await watch.next('orderStatusChanged')).toEqual({ status: 'PENDING', rejectionReason: null, rejection: null });

    const [first] = await eventually(async () => {
      const a = await asks(orderId);
      return a.length ? a : null;
    });
    expect(first).toMatchObject({ orderId, customerId: ada.sub, awaiting: 'RESERVATION', ask: 1 });
    const [{ placed_at: placedAt }] = await h.service.database.query('SELECT placed_at FROM customer_order WHERE id = $1', [orderId]);
    expect(new Date(first.waitingSince)).toEqual(placedAt);

    // Inventory never got the order: it rejects it, and the customer hears it.
    await h.inventory.publish(stockRejectedV2({ orderId, changeId: null, reason: 'TIMED_OUT', lines: [] }));
    expect(await watch.next('orderStatusChanged')).toEqual({ status: 'REJECTED', rejectionReason: 'TIMED_OUT', rejection: null });
    // placeOrder again with the same key answers the order itself (nothing was short).
    const order = (await h.as(ada)(ORDER, { id: orderId })).data.order;
    expect(order).toMatchObject({ status: 'REJECTED', rejection: null });
  });

  it('asks again a timeout apart, at most MAX_ASKS times, then reports the order instead of asking on', async () => {
    const bea = await h.registerCustomer('Bea');
    const orderId = await pendingOrder(bea);
    const reported = await eventually(
      async () => {
        const [row] = await h.service.database.query(`SELECT asks, reported_at FROM order_wait WHERE order_id = $1 AND awaiting = 'RESERVATION'`, [orderId]);
        return row?.reported_at ? row : null;
      },
      { timeoutMs: 20_000 },
    );
    expect(reported.asks).toBe(MAX_ASKS);
    const all = await asks(orderId);
    expect(all.map((a: { ask: number }) => a.ask)).toEqual(Array.from({ length: MAX_ASKS }, (_, i) => i + 1));
    // The order stays PENDING: only inventory may decide it (its answers may still come).
    expect((await h.as(bea)(ORDER, { id: orderId })).data.order.status).toBe('PENDING');
    await h.inventory.answerHeld();
    await eventually(async () => (await h.as(bea)(ORDER, { id: orderId })).data.order.status === 'CONFIRMED');
  });

  it('asks about a cancellation still waiting for its stock, and completes it when inventory says it was released', async () => {
    const cleo = await h.registerCustomer('Cleo');
    h.inventory.holding = false;
    const placed = await h.as(cleo)(PLACE_ORDER, { input: { lines: [{ productId: await h.product(), quantity: 1 }], idempotencyKey: key() } });
    const orderId = placed.data.placeOrder.id;
    await eventually(async () => (await h.as(cleo)(ORDER, { id: orderId })).data.order.status === 'CONFIRMED');
    h.inventory.holding = true;
    expect((await h.as(cleo)(CANCEL_ORDER, { id: orderId })).data.cancelOrder).toMatchObject({ status: 'CONFIRMED', cancellationRequested: true });
    const [ask] = await eventually(async () => {
      const a = await asks(orderId);
      return a.length ? a : null;
    });
    expect(ask).toMatchObject({ awaiting: 'RELEASE', ask: 1 });
    // Inventory had released it already (its first StockReleased went missing): it says so again, with no lines.
    await h.inventory.publish(stockReleased({ orderId, lines: [] }));
    await eventually(async () => (await h.as(cleo)(ORDER, { id: orderId })).data.order.status === 'CANCELLED');
  });

  it('fulfils at once an order whose confirmation comes after its round closed', async () => {
    const dan = await h.registerCustomer('Dan');
    const orderId = await pendingOrder(dan);
    const [{ product_id: productId }] = await h.service.database.query('SELECT product_id FROM order_line WHERE order_id = $1', [orderId]);
    // Round 77 closes (the order is not CONFIRMED, so the close passes it by), then inventory's answer to the OrderOverdue arrives.
    await h.inventory.publish(roundClosed({ roundNumber: 77, closedAt: new Date().toISOString(), reason: 'PERIOD_ENDED', sales: [] }));
    await h.inventory.publish(stockReserved({ orderId, changeId: null, roundNumber: 77, lines: [{ productId, quantity: 2 }] }));
    await eventually(async () => (await h.as(dan)(ORDER, { id: orderId })).data.order.status === 'FULFILLED');
    const purchases = (await h.as(dan)('{ me { purchases { orderId roundNumber quantity } } }')).data.me.purchases;
    expect(purchases).toEqual([{ orderId, roundNumber: 77, quantity: 2 }]);
  });
});
