import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '@distribution/auth';
import { roundClosed, stockRejected, stockReleased, stockReserved } from '@distribution/contracts';
import { eventually } from '@distribution/testkit';
import { CANCEL_ORDER, CHANGE_LINE, ORDER, PLACE_ORDER, key, startHarness, type Harness } from './support/harness.js';

const WAIT_MS = 1000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness('order_lifecycle', { placeOrderWaitMs: WAIT_MS });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.inventory.holding = false;
  h.inventory.roundNumber = 1;
});

async function confirmedOrder(who: Identity, lines: Array<{ productId: string; quantity: number }>) {
  const res = await h.as(who)(PLACE_ORDER, { input: { lines, idempotencyKey: key() } });
  expect(res.data.placeOrder.status).toBe('CONFIRMED');
  return res.data.placeOrder;
}
const orderOf = async (who: Identity, id: string) => (await h.as(who)(ORDER, { id })).data.order;

/** Everything published before this is applied once its effect shows: the outcome consumer keeps bus order. */
async function outcomesApplied() {
  const ada = await h.registerCustomer('Marker');
  const order = await confirmedOrder(ada, [{ productId: await h.product(), quantity: 1 }]);
  await h.inventory.publish(stockReleased({ orderId: order.id, lines: [] }));
  await eventually(async () => (await orderOf(ada, order.id)).status === 'CANCELLED');
}

describe('after an order is placed', () => {
  it('cancels a confirmed order once inventory releases its stock', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 10 });
    const order = await confirmedOrder(ada, [{ productId: tea, quantity: 4 }]);
    expect(h.inventory.stock.get(tea)).toBe(6);
    const res = await h.as(ada)(CANCEL_ORDER, { id: order.id });
    expect(res.data.cancelOrder).toMatchObject({ id: order.id, status: 'CANCELLED', cancellationRequested: false });
    expect(h.inventory.receivedOf('OrderCancelled', order.id).map((e) => e.payload)).toEqual([{ orderId: order.id, customerId: ada.sub }]);
    expect(h.inventory.stock.get(tea)).toBe(10);
  });

  it('answers a cancellation the round overtook with the order CONFIRMED and cancellationRequested; the round then fulfils it', async () => {
    const ada = await h.registerCustomer();
    h.inventory.roundNumber = 41;
    const order = await confirmedOrder(ada, [{ productId: await h.product(), quantity: 1 }]);
    h.inventory.holding = true;
    const res = await h.as(ada)(CANCEL_ORDER, { id: order.id });
    expect(res.data.cancelOrder).toMatchObject({ status: 'CONFIRMED', cancellationRequested: true });
    // Asking again while it is pending records no second OrderCancelled.
    expect((await h.as(ada)(CANCEL_ORDER, { id: order.id })).data.cancelOrder.cancellationRequested).toBe(true);
    await h.inventory.publish(roundClosed({ roundNumber: 41, closedAt: new Date().toISOString(), reason: 'OPERATOR', sales: [] }));
    await eventually(async () => (await orderOf(ada, order.id)).status === 'FULFILLED');
    expect((await orderOf(ada, order.id)).cancellationRequested).toBe(false);
    // The late release finds a fulfilled order and changes nothing. (Inventory reserves in the next round now.)
    h.inventory.roundNumber = 42;
    h.inventory.holding = false;
    await h.inventory.answerHeld();
    await outcomesApplied();
    expect((await orderOf(ada, order.id)).status).toBe('FULFILLED');
    expect(h.inventory.receivedOf('OrderCancelled', order.id)).toHaveLength(1);
  });

  it('refuses to cancel an order that is not CONFIRMED, naming its status', async () => {
    const ada = await h.registerCustomer();
    const order = await confirmedOrder(ada, [{ productId: await h.product(), quantity: 1 }]);
    await h.as(ada)(CANCEL_ORDER, { id: order.id });
    const again = await h.as(ada)(CANCEL_ORDER, { id: order.id });
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', status: 'CANCELLED' } });
    expect(h.inventory.receivedOf('OrderCancelled', order.id)).toHaveLength(1);
  });

  it('changes a line when inventory reserves the difference, keeping the line’s unit price', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ priceCents: 250, available: 10 });
    const jam = await h.product({ priceCents: 100 });
    const order = await confirmedOrder(ada, [
      { productId: tea, quantity: 2 },
      { productId: jam, quantity: 1 },
    ]);
    await h.supplyChanged(tea, { priceCents: 400 });
    const res = await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId: tea, quantity: 5 });
    expect(res.data.changeOrderLine).toMatchObject({
      __typename: 'Order',
      status: 'CONFIRMED',
      total: '13.50',
      lines: [
        { product: { id: tea }, quantity: 5, unitPrice: '2.50', lineTotal: '12.50' },
        { product: { id: jam }, quantity: 1 },
      ],
    });
    const [requested] = h.inventory.receivedOf('OrderLineChangeRequested', order.id);
    expect(requested!.payload).toEqual({ orderId: order.id, changeId: expect.stringMatching(/^[0-9a-f-]{36}$/), productId: tea, quantity: 5, unitPriceCents: 250 });
    expect(h.inventory.stock.get(tea)).toBe(5);
  });

  it('leaves the order as it was when inventory rejects a change', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 6 });
    const order = await confirmedOrder(ada, [{ productId: tea, quantity: 2 }]);
    const res = await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId: tea, quantity: 9 });
    expect(res.data.changeOrderLine).toEqual({ __typename: 'InsufficientStock', lines: [{ product: { id: tea }, requested: 9, available: 6 }] });
    const { __typename, ...before } = order;
    expect(await orderOf(ada, order.id)).toEqual(before);
    expect(before.lines).toMatchObject([{ quantity: 2 }]);
  });

  it('removes a line with quantity 0, but not the last one', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product();
    const jam = await h.product();
    const order = await confirmedOrder(ada, [
      { productId: tea, quantity: 2 },
      { productId: jam, quantity: 1 },
    ]);
    const res = await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId: tea, quantity: 0 });
    expect(res.data.changeOrderLine.lines).toEqual([{ product: { id: jam }, quantity: 1, unitPrice: '2.50', lineTotal: '2.50' }]);
    const last = await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId: jam, quantity: 0 });
    expect(last.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('fulfils the confirmed orders of a closed round and lists their lines as the customer’s purchases', async () => {
    const ada = await h.registerCustomer();
    h.inventory.roundNumber = 7;
    const tea = await h.product({ priceCents: 120 });
    const jam = await h.product({ priceCents: 300 });
    const first = await confirmedOrder(ada, [{ productId: tea, quantity: 2 }]);
    const second = await confirmedOrder(ada, [{ productId: jam, quantity: 1 }]);
    const cancelled = await confirmedOrder(ada, [{ productId: jam, quantity: 3 }]);
    await h.as(ada)(CANCEL_ORDER, { id: cancelled.id });
    h.inventory.holding = true;
    const pending = (await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 1 }], idempotencyKey: key() } })).data.placeOrder;
    expect(pending.status).toBe('PENDING');

    await h.inventory.publish(roundClosed({ roundNumber: 7, closedAt: new Date().toISOString(), reason: 'PERIOD_ENDED', sales: [] }));
    await eventually(async () => (await orderOf(ada, second.id)).status === 'FULFILLED');
    expect((await orderOf(ada, first.id)).status).toBe('FULFILLED');
    expect((await orderOf(ada, cancelled.id)).status).toBe('CANCELLED');
    expect((await orderOf(ada, pending.id)).status).toBe('PENDING');
    const me = await h.as(ada)(`{ me { purchases { product { id } quantity unitPrice orderId roundNumber } } }`);
    expect(me.data.me.purchases).toEqual(
      expect.arrayContaining([
        { product: { id: tea }, quantity: 2, unitPrice: '1.20', orderId: first.id, roundNumber: 7 },
        { product: { id: jam }, quantity: 1, unitPrice: '3.00', orderId: second.id, roundNumber: 7 },
      ]),
    );
    expect(me.data.me.purchases).toHaveLength(2);
    const fulfilled = await h.as(ada)(`{ me { orders(status: FULFILLED) { edges { node { id } } } } }`);
    expect(fulfilled.data.me.orders.edges.map((e: any) => e.node.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('applies a duplicated outcome once: a repeated or stale answer changes nothing', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 100 });
    const order = await confirmedOrder(ada, [{ productId: tea, quantity: 2 }]);
    await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId: tea, quantity: 5 });
    await h.as(ada)(CHANGE_LINE, { orderId: order.id, productId: tea, quantity: 3 });
    const [firstChange] = h.inventory.receivedOf('OrderLineChangeRequested', order.id);
    await h.inventory.publish(
      stockReserved({ orderId: order.id, changeId: null, roundNumber: 99, lines: [{ productId: tea, quantity: 2 }] }),
      stockRejected({ orderId: order.id, changeId: null, reason: 'INSUFFICIENT_STOCK', lines: [] }),
      stockReserved({ orderId: order.id, changeId: firstChange!.payload.changeId, roundNumber: 1, lines: [{ productId: tea, quantity: 5 }] }),
    );
    await outcomesApplied();
    expect(await orderOf(ada, order.id)).toMatchObject({ status: 'CONFIRMED', roundNumber: 1, lines: [{ quantity: 3 }], rejection: null });
  });

  it('applies the answers of one batch in bus order, also when one order has two of them', async () => {
    const ada = await h.registerCustomer();
    const tea = await h.product({ available: 100 });
    h.inventory.holding = true; // the orders stay PENDING: the answers below are the only ones
    const place = async () => (await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: tea, quantity: 1 }], idempotencyKey: key() } })).data.placeOrder;
    const [first, second] = await Promise.all([place(), place()]);
    expect([first.status, second.status]).toEqual(['PENDING', 'PENDING']);
    // One transaction: one batch for the consumer. The first order is confirmed, then cancelled;
    // the second is confirmed, then answered again with a stale rejection that must change nothing.
    await h.inventory.publish(
      stockReserved({ orderId: first.id, changeId: null, roundNumber: 1, lines: [{ productId: tea, quantity: 1 }] }),
      stockReserved({ orderId: second.id, changeId: null, roundNumber: 1, lines: [{ productId: tea, quantity: 1 }] }),
      stockReleased({ orderId: first.id, lines: [{ productId: tea, quantity: 1 }] }),
      stockRejected({ orderId: second.id, changeId: null, reason: 'INSUFFICIENT_STOCK', lines: [] }),
    );
    h.inventory.holding = false;
    await outcomesApplied();
    expect(await orderOf(ada, first.id)).toMatchObject({ status: 'CANCELLED' });
    expect(await orderOf(ada, second.id)).toMatchObject({ status: 'CONFIRMED', roundNumber: 1, rejection: null });
  });
});
