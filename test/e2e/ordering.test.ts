import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestNetwork, type TestNetwork } from './network.js';
import { createProduct, inFlight, openRound, placeOrder, registerCustomer, registerManufacturer, PLACE_ORDER, type Customer } from './scenario.js';

/** Checks the stock invariants across services, reading each schema directly (tests only). */
async function expectInvariants(net: TestNetwork) {
  const broken = await net.sql(`SELECT product_id, on_hand, reserved FROM inventory.stock_item WHERE reserved < 0 OR reserved > on_hand`);
  expect(broken).toEqual([]);
  // Units in confirmed orders equal units inventory holds reserved, product by product.
  const confirmed = await net.sql(`SELECT l.product_id::text, sum(l.quantity)::int AS units FROM orders.order_line l JOIN orders.customer_order o ON o.id = l.order_id
                                    WHERE o.status = 'CONFIRMED' GROUP BY l.product_id ORDER BY 1`);
  const reserved = await net.sql(`SELECT product_id::text, reserved AS units FROM inventory.stock_item WHERE reserved > 0 ORDER BY 1`);
  expect(confirmed).toEqual(reserved);
}

describe('placing orders through the gateway', () => {
  let net: TestNetwork;
  let customers: Customer[];
  let hot: string, a: string, b: string, retried: string;
  beforeAll(async () => {
    net = await startTestNetwork({ placeOrderWaitMs: 10_000 });
    customers = await Promise.all(Array.from({ length: 50 }, (_, i) => registerCustomer(net, `racer${i}`)));
    const maker = await registerManufacturer(net);
    // Plenty of something else, so selling out one product does not close the round (all depleted).
    await createProduct(net, maker, { supply: 1_000_000, category: 'filler' });
    hot = await createProduct(net, maker, { supply: 20, category: 'hot-item' });
    a = await createProduct(net, maker, { supply: 30, category: 'pair' });
    b = await createProduct(net, maker, { supply: 30, category: 'pair' });
    retried = await createProduct(net, maker, { supply: 100, category: 'retry' });
    await openRound(net);
  });
  afterAll(async () => net?.close());

  it('sells exactly the 20 units there are to 200 racing orders, 50 in flight', async () => {
    const product = hot;
    const results = await inFlight(
      50,
      Array.from({ length: 200 }, (_, i) => () => placeOrder(net, customers[i % 50]!, [{ productId: product, quantity: 1 }])),
    );
    const errors = results.filter((r) => r.errors);
    expect(errors).toEqual([]);
    const kinds = results.map((r) => r.data.placeOrder.__typename);
    expect(kinds.filter((k) => k === 'Order')).toHaveLength(20);
    expect(kinds.filter((k) => k === 'InsufficientStock')).toHaveLength(180);
    for (const r of results.filter((x) => x.data.placeOrder.__typename === 'Order')) expect(r.data.placeOrder.status).toBe('CONFIRMED');
    const stock = await net.as()('query($id: ID!) { product(id: $id) { supply stock { onHand reserved available status } } }', { id: product });
    expect(stock.data.product.stock).toEqual({ onHand: 20, reserved: 20, available: 0, status: 'DEPLETED' });
    await expectInvariants(net);
  });

  it('keeps every order all-or-nothing when multi-line orders race on overlapping products in opposite orders', async () => {
    const tasks = Array.from(
      { length: 60 },
      (_, i) => () =>
        placeOrder(
          net,
          customers[i % 50]!,
          i % 2
            ? [
                { productId: a, quantity: 1 },
                { productId: b, quantity: 2 },
              ]
            : [
                { productId: b, quantity: 1 },
                { productId: a, quantity: 2 },
              ],
        ),
    );
    const results = await inFlight(30, tasks);
    expect(results.filter((r) => r.errors)).toEqual([]);
    const confirmed = results.filter((r) => r.data.placeOrder.__typename === 'Order');
    const rejected = results.filter((r) => r.data.placeOrder.__typename !== 'Order');
    expect(rejected.map((r) => r.data.placeOrder.__typename)).toEqual(rejected.map(() => 'InsufficientStock'));
    const units = (pid: string) =>
      confirmed
        .flatMap((r) => r.data.placeOrder.lines)
        .filter((l: any) => l.product.id === pid)
        .reduce((n: number, l: any) => n + l.quantity, 0);
    // Every confirmed order kept both of its lines.
    for (const r of confirmed) expect(r.data.placeOrder).toMatchObject({ status: 'CONFIRMED', lines: [expect.anything(), expect.anything()] });
    // 60 orders of 3 units each ask for 180 units of the 60 there are: some are sold, never more than there are.
    expect(confirmed.length).toBeGreaterThan(0);
    expect(units(a)).toBeLessThanOrEqual(30);
    expect(units(b)).toBeLessThanOrEqual(30);
    // Nothing is refused that could be served: stock only went down during the race, so what is
    // left at the end serves neither shape of order that was turned away (an order is rejected only
    // when a line does not fit, and then it still does not fit now).
    const left = { [a]: 30 - units(a), [b]: 30 - units(b) };
    // Each shape was asked for 30 times and at most 20 orders fit, so both shapes were turned away.
    expect(left[a]! >= 2 && left[b]! >= 1).toBe(false);
    expect(left[a]! >= 1 && left[b]! >= 2).toBe(false);
    const stock = await net.as()('query($a: ID!, $b: ID!) { a: product(id: $a) { stock { reserved } } b: product(id: $b) { stock { reserved } } }', { a, b });
    expect(stock.data.a.stock.reserved).toBe(units(a));
    expect(stock.data.b.stock.reserved).toBe(units(b));
    await expectInvariants(net);
  });

  it('gives one order for one idempotency key, also when the retries race', async () => {
    const product = retried;
    const key = `retry-${randomUUID()}`;
    const customer = customers[0]!;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => net.as(customer.token)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 3 }], idempotencyKey: key } })),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const ids = new Set(results.map((r) => r.data.placeOrder.id));
    expect(ids.size).toBe(1);
    const later = await net.as(customer.token)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 3 }], idempotencyKey: key } });
    expect(later.data.placeOrder).toMatchObject({ id: [...ids][0], status: 'CONFIRMED' });
    const stock = await net.as()('query($id: ID!) { product(id: $id) { stock { reserved } } }', { id: product });
    expect(stock.data.product.stock.reserved).toBe(3);
    await expectInvariants(net);
  });
});
