import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { identityToHeaders, type Identity } from '@distribution/auth';
import { duringListenOutage, eventually, liveClient, type LiveClient } from '@distribution/testkit';
import { CANCEL_ORDER, CHANGE_LINE, INTERNAL_CREDENTIAL, PLACE_ORDER, key, startHarness, type Harness } from './support/harness.js';

const WATCH = 'subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status cancellationRequested lines { quantity } } }';

describe('orderStatusChanged', () => {
  let h: Harness;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    h = await startHarness('order_live', { placeOrderWaitMs: 1000 });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    h.inventory.holding = false;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  const watch = (who: Identity, orderId: string) => {
    const client = liveClient(h.service.url, identityToHeaders(who, INTERNAL_CREDENTIAL));
    clients.push(client);
    return client.watch(WATCH, { id: orderId });
  };
  async function confirmedOrder(who: Identity, quantity = 1, available = 100) {
    const res = await h.as(who)(PLACE_ORDER, { input: { lines: [{ productId: await h.product({ available }), quantity }], idempotencyKey: key() } });
    expect(res.data.placeOrder.status).toBe('CONFIRMED');
    return res.data.placeOrder as { id: string; lines: Array<{ product: { id: string } }> };
  }

  it('tells a subscriber how its order stands and each change after, and ends once the order is final; no one else', async () => {
    const ada = await h.registerCustomer('Ada');
    const bob = await h.registerCustomer('Bob');
    const order = await confirmedOrder(ada);
    expect(await watch(bob, order.id).refusal()).toEqual(['FORBIDDEN']);
    const forAda = watch(ada, order.id);
    // First the order as it is, so nothing between the customer's query and the subscription is lost.
    expect(await forAda.next('orderStatusChanged')).toEqual({ id: order.id, status: 'CONFIRMED', cancellationRequested: false, lines: [{ quantity: 1 }] });
    h.inventory.holding = true; // the cancellation is asked, and answered only later
    const cancelling = h.as(ada)(CANCEL_ORDER, { id: order.id });
    expect(await forAda.next('orderStatusChanged')).toEqual({ id: order.id, status: 'CONFIRMED', cancellationRequested: true, lines: [{ quantity: 1 }] });
    await eventually(() => h.inventory.held.length > 0);
    await h.inventory.answerHeld();
    expect(await forAda.next('orderStatusChanged')).toEqual({ id: order.id, status: 'CANCELLED', cancellationRequested: false, lines: [{ quantity: 1 }] });
    // CANCELLED is final: the stream completes.
    await forAda.completion();
    expect((await cancelling).data.cancelOrder.status).toBe('CANCELLED');
  });

  it('sends nothing when the order was announced but nothing a subscriber sees changed (a rejected line change)', async () => {
    const ada = await h.registerCustomer();
    const order = await confirmedOrder(ada, 2, 6);
    const productId = order.lines[0]!.product.id;
    const forAda = watch(ada, order.id);
    expect(await forAda.next('orderStatusChanged')).toMatchObject({ status: 'CONFIRMED', lines: [{ quantity: 2 }] });
    const rejected = await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId, quantity: 9 });
    expect(rejected.data.changeOrderLine.__typename).toBe('InsufficientStock');
    await forAda.quietFor(300);
    expect((await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId, quantity: 3 })).errors).toBeUndefined();
    expect(await forAda.next('orderStatusChanged')).toMatchObject({ status: 'CONFIRMED', lines: [{ quantity: 3 }] });
    await forAda.quietFor(200);
  });

  it('sends the order as it is now once LISTEN is back after a lost connection, with the change committed in between', async () => {
    const ada = await h.registerCustomer();
    const order = await confirmedOrder(ada);
    const forAda = watch(ada, order.id);
    expect(await forAda.next('orderStatusChanged')).toMatchObject({ status: 'CONFIRMED', cancellationRequested: false });
    h.inventory.holding = true;
    let cancelling: Promise<unknown> | undefined;
    await duringListenOutage(h.service.database.url, async () => {
      // The mutation commits cancellationRequested at once (then waits for inventory's answer, held here).
      cancelling = h.as(ada)(CANCEL_ORDER, { id: order.id });
      await eventually(async () => (await h.service.database.query('SELECT cancellation_requested FROM customer_order WHERE id = $1', [order.id]))[0].cancellation_requested);
    });
    expect(await forAda.next('orderStatusChanged')).toMatchObject({ status: 'CONFIRMED', cancellationRequested: true });
    // Live again over the new connection, up to the end.
    await eventually(() => h.inventory.held.length > 0);
    await h.inventory.answerHeld();
    expect(await forAda.next('orderStatusChanged')).toMatchObject({ status: 'CANCELLED', cancellationRequested: false });
    await forAda.completion();
    await cancelling;
  });
});
