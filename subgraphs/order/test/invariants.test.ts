import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@distribution/testkit';
import type { Identity } from '@distribution/auth';
import { CANCEL_ORDER, CHANGE_LINE, PLACE_ORDER, key, startHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('order_invariants', { placeOrderWaitMs: 3000 });
});
afterAll(async () => {
  await h?.stop();
});

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number) {
  return (n: number) => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return (seed >>> 8) % n;
  };
}

describe('the order book follows what inventory answered', () => {
  it('keeps its confirmed order lines equal to the reservations inventory answered, under concurrent orders, changes and cancellations', async () => {
    const STOCK = 20;
    const products = await Promise.all([0, 1, 2].map(() => h.product({ available: STOCK })));
    const customers: Identity[] = await Promise.all(Array.from({ length: 12 }, (_, i) => h.registerCustomer(`C${i}`)));
    const pick = random(7);

    const placed = await Promise.all(
      customers.map((c) => {
        const first = pick(3);
        const lines = [{ productId: products[first]!, quantity: 1 + pick(8) }];
        if (pick(2)) lines.push({ productId: products[(first + 1) % 3]!, quantity: 1 + pick(8) });
        return h
          .as(c)(PLACE_ORDER, { input: { lines, idempotencyKey: key() } })
          .then((res) => ({ customer: c, lines, res }));
      }),
    );
    const unexpected = (res: { errors?: Array<{ extensions?: { code?: string } }> }) =>
      (res.errors ?? []).filter((e) => e.extensions?.code !== 'CONFLICT' && e.extensions?.code !== 'BAD_USER_INPUT');
    expect(placed.flatMap(({ res }) => res.errors ?? [])).toEqual([]);
    const confirmed = placed.filter(({ res }) => res.data.placeOrder.__typename === 'Order');
    expect(confirmed.length).toBeGreaterThan(3);
    expect(placed.some(({ res }) => res.data.placeOrder.__typename === 'InsufficientStock')).toBe(true);

    // Everyone at once: some cancel, some change a line (twice, racing themselves), some do both.
    const moves = confirmed.flatMap(({ customer, lines, res }) => {
      const orderId = res.data.placeOrder.id;
      const line = lines[0]!;
      const change = (quantity: number) => h.as(customer)(CHANGE_LINE, { orderId, productId: line.productId, quantity });
      switch (pick(4)) {
        case 0:
          return [h.as(customer)(CANCEL_ORDER, { id: orderId })];
        case 1:
          return [change(1 + pick(20)), change(1 + pick(20))];
        case 2:
          return [change(1 + pick(20)), h.as(customer)(CANCEL_ORDER, { id: orderId })];
        default:
          return [];
      }
    });
    const results = await Promise.all(moves);
    expect(results.flatMap(unexpected)).toEqual([]);

    const settled = () =>
      eventually(async () => {
        const [{ open }] = await h.service.database.query(`
        SELECT (SELECT count(*) FROM customer_order WHERE status = 'PENDING' OR (status = 'CONFIRMED' AND cancellation_requested))
             + (SELECT count(*) FROM order_change WHERE status = 'PENDING') AS open`);
        return Number(open) === 0;
      });
    await settled();
    // Which changes the race above refuses depends on timing; make sure both kinds happen: on an
    // order still confirmed, one change no stock can serve, then one that gives units back.
    const [still] = await h.service.database.query(`SELECT id FROM customer_order WHERE status = 'CONFIRMED' AND id = ANY($1::uuid[]) LIMIT 1`, [
      confirmed.map(({ res }) => res.data.placeOrder.id),
    ]);
    const survivor = confirmed.find(({ res }) => res.data.placeOrder.id === still.id)!;
    const changeSurvivor = (quantity: number) => h.as(survivor.customer)(CHANGE_LINE, { orderId: still.id, productId: survivor.lines[0]!.productId, quantity });
    expect(unexpected(await changeSurvivor(STOCK * 10))).toEqual([]);
    expect(unexpected(await changeSurvivor(1))).toEqual([]);
    await settled();

    const rows: Array<{ id: string; status: string; product_id: string; quantity: number }> = await h.service.database.query(
      `SELECT o.id, o.status, l.product_id, l.quantity FROM customer_order o JOIN order_line l ON l.order_id = o.id WHERE o.customer_id = ANY($1::uuid[])`,
      [customers.map((c) => c.sub)],
    );
    // The scenario did what it is meant to: cancellations, and changes both reserved and refused.
    const statuses = new Set(rows.map((r) => r.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['CANCELLED', 'CONFIRMED', 'REJECTED']));
    const changes: Array<{ status: string }> = await h.service.database.query('SELECT status FROM order_change');
    expect(new Set(changes.map((c) => c.status))).toEqual(new Set(['APPLIED', 'REJECTED']));

    const confirmedLines = new Map<string, number>();
    for (const row of rows.filter((r) => r.status === 'CONFIRMED')) confirmedLines.set(`${row.id}/${row.product_id}`, row.quantity);
    const reservedLines = new Map<string, number>();
    for (const [orderId, lines] of h.inventory.reserved) {
      for (const [productId, quantity] of lines) if (quantity > 0) reservedLines.set(`${orderId}/${productId}`, quantity);
    }
    expect(Object.fromEntries(confirmedLines)).toEqual(Object.fromEntries(reservedLines));
    // Inventory here is a stand-in: that the real one's stock adds up is checked against its own
    // database in test/e2e (ordering, live-burst). What this service owns is the order book above.
  });
});
