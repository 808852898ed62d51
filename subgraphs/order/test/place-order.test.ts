import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '@distribution/testkit';
import { ORDER, PLACE_ORDER, key, startHarness, type Harness } from './support/harness.js';

const WAIT_MS = 1500;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('order_place', { placeOrderWaitMs: WAIT_MS });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.inventory.holding = false;
  h.inventory.roundNumber = 1;
});

const orderPlacedEventsOnBus = async (customerId: string): Promise<number> =>
  (await h.service.database.query(`SELECT count(*)::int AS c FROM bus.events WHERE type = 'OrderPlaced' AND payload->>'customerId' = $1`, [customerId]))[0].c;

describe('placeOrder', () => {
  it('answers CONFIRMED with the round number when inventory reserves in time', async () => {
    const ada = await h.registerCustomer('Ada');
    const product = await h.product({ priceCents: 250, available: 10 });
    const res = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 3 }], idempotencyKey: key() } });
    expect(res.errors).toBeUndefined();
    // CONFIRMED (not PENDING) is the sign that the answer came within the bound.
    expect(res.data.placeOrder).toMatchObject({
      __typename: 'Order',
      status: 'CONFIRMED',
      roundNumber: 1,
      total: '7.50',
      cancellationRequested: false,
      customer: { id: ada.sub },
      lines: [{ product: { id: product }, quantity: 3, unitPrice: '2.50', lineTotal: '7.50' }],
      rejection: null,
    });
    const [placed] = h.inventory.receivedOf('OrderPlaced', res.data.placeOrder.id);
    expect(placed!.payload).toEqual({ orderId: res.data.placeOrder.id, customerId: ada.sub, lines: [{ productId: product, quantity: 3, unitPriceCents: 250 }] });
  });

  it('keeps the unit price of the time of ordering when the catalog price changes later', async () => {
    const ada = await h.registerCustomer();
    const product = await h.product({ priceCents: 1000 });
    const placed = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 1 }], idempotencyKey: key() } });
    await h.supplyChanged(product, { priceCents: 1999 });
    const later = await h.as(ada)(ORDER, { id: placed.data.placeOrder.id });
    expect(later.data.order.lines[0].unitPrice).toBe('10.00');
  });

  it('answers InsufficientStock with the shortage per line when inventory rejects, and keeps the order as REJECTED', async () => {
    const ada = await h.registerCustomer();
    const plenty = await h.product({ available: 50 });
    const scarce = await h.product({ available: 2 });
    const res = await h.as(ada)(PLACE_ORDER, {
      input: {
        lines: [
          { productId: plenty, quantity: 1 },
          { productId: scarce, quantity: 5 },
        ],
        idempotencyKey: key(),
      },
    });
    expect(res.data.placeOrder).toEqual({ __typename: 'InsufficientStock', lines: [{ product: { id: scarce }, requested: 5, available: 2 }] });
    const orders = await h.as(ada)(`{ me { orders { edges { node { status rejection { lines { requested available } } } } } } }`);
    expect(orders.data.me.orders.edges).toEqual([{ node: { status: 'REJECTED', rejection: { lines: [{ requested: 5, available: 2 }] } } }]);
  });

  it('answers InsufficientStock for a product inventory does not know', async () => {
    const ada = await h.registerCustomer();
    const ghost = await h.product({ stocked: false });
    const res = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: ghost, quantity: 1 }], idempotencyKey: key() } });
    expect(res.data.placeOrder).toEqual({ __typename: 'InsufficientStock', lines: [{ product: { id: ghost }, requested: 1, available: 0 }] });
  });

  it('answers RoundNotOpen when no distribution round is open', async () => {
    const ada = await h.registerCustomer();
    const product = await h.product();
    h.inventory.roundNumber = null;
    const res = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 1 }], idempotencyKey: key() } });
    expect(res.data.placeOrder).toEqual({ __typename: 'RoundNotOpen', message: expect.stringMatching(/round/i) });
  });

  it('answers the PENDING order past the bound; the order is CONFIRMED when inventory answers later', async () => {
    const ada = await h.registerCustomer();
    const product = await h.product();
    h.inventory.holding = true;
    const res = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 2 }], idempotencyKey: key() } });
    // Inventory holds its answer, so PENDING can only come from the bound passing.
    expect(res.data.placeOrder).toMatchObject({ __typename: 'Order', status: 'PENDING', roundNumber: null });
    await eventually(() => h.inventory.held.length === 1);
    await h.inventory.answerHeld();
    await eventually(async () => (await h.as(ada)(ORDER, { id: res.data.placeOrder.id })).data.order.status === 'CONFIRMED');
  });

  it('returns the same typed result when a key is retried after the outcome', async () => {
    const ada = await h.registerCustomer();
    const product = await h.product({ available: 3 });
    const confirmKey = key();
    const rejectKey = key();
    const input = (quantity: number, idempotencyKey: string) => ({ input: { lines: [{ productId: product, quantity }], idempotencyKey } });
    const confirmed = await h.as(ada)(PLACE_ORDER, input(2, confirmKey));
    const rejected = await h.as(ada)(PLACE_ORDER, input(9, rejectKey));
    expect(confirmed.data.placeOrder.status).toBe('CONFIRMED');
    expect(rejected.data.placeOrder.__typename).toBe('InsufficientStock');

    expect((await h.as(ada)(PLACE_ORDER, input(2, confirmKey))).data.placeOrder).toEqual(confirmed.data.placeOrder);
    expect((await h.as(ada)(PLACE_ORDER, input(9, rejectKey))).data.placeOrder).toEqual(rejected.data.placeOrder);
    await h.drained();
    expect(await orderPlacedEventsOnBus(ada.sub)).toBe(2);
  });

  it('makes one order and one OrderPlaced event out of 20 concurrent requests with the same key', async () => {
    const ada = await h.registerCustomer();
    const product = await h.product({ available: 1000 });
    const input = { input: { lines: [{ productId: product, quantity: 4 }], idempotencyKey: key() } };
    const results = await Promise.all(Array.from({ length: 20 }, () => h.as(ada)(PLACE_ORDER, input)));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const ids = new Set(results.map((r) => r.data.placeOrder.id));
    expect(ids.size).toBe(1);
    const [{ c }] = await h.service.database.query('SELECT count(*)::int AS c FROM customer_order WHERE customer_id = $1', [ada.sub]);
    expect(c).toBe(1);
    await h.drained();
    expect(await orderPlacedEventsOnBus(ada.sub)).toBe(1);
    await eventually(async () => (await h.as(ada)(ORDER, { id: [...ids][0] })).data.order.status === 'CONFIRMED');
    expect(h.inventory.reserved.get([...ids][0]!)?.get(product)).toBe(4);
  });

  it('refuses the same key with different lines (CONFLICT) and writes nothing', async () => {
    const ada = await h.registerCustomer();
    const product = await h.product();
    const idempotencyKey = key();
    const first = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 1 }], idempotencyKey } });
    const again = await h.as(ada)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 2 }], idempotencyKey } });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.data).toBeNull();
    const rows = await h.service.database.query('SELECT id FROM customer_order WHERE customer_id = $1', [ada.sub]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual([first.data.placeOrder.id]);
    const lines = await h.service.database.query('SELECT quantity FROM order_line WHERE order_id = $1', [first.data.placeOrder.id]);
    expect(lines).toEqual([{ quantity: 1 }]);
  });

  it('keeps keys apart per customer: the same key from two customers makes two orders', async () => {
    const ada = await h.registerCustomer('Ada');
    const bob = await h.registerCustomer('Bob');
    const product = await h.product();
    const input = { input: { lines: [{ productId: product, quantity: 1 }], idempotencyKey: 'shared-key-123' } };
    const [a, b] = await Promise.all([h.as(ada)(PLACE_ORDER, input), h.as(bob)(PLACE_ORDER, input)]);
    expect(a.data.placeOrder.id).not.toBe(b.data.placeOrder.id);
    expect(a.data.placeOrder.customer.id).toBe(ada.sub);
    expect(b.data.placeOrder.customer.id).toBe(bob.sub);
  });
});
