import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@distribution/testkit';
import type { Identity } from '@distribution/auth';
import { OPERATOR, PLACE_ORDER, key, startHarness, type Harness } from './support/harness.js';

let h: Harness;
let customers: Identity[];
let orders: string[];
let product: string;

// The bus loops poll rarely here: between wake-ups nothing but the request under test runs SQL.
beforeAll(async () => {
  h = await startHarness('order_entities', { eventPollIntervalMs: 60_000 });
  product = await h.product({ available: 10_000, priceCents: 199 });
  customers = await Promise.all(Array.from({ length: 30 }, (_, i) => h.registerCustomer(`Customer ${i}`)));
  orders = [];
  for (const [i, c] of customers.entries()) {
    const res = await h.as(c)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: i + 1 }], idempotencyKey: key() } });
    orders.push(res.data.placeOrder.id);
  }
  await h.drained();
});
afterAll(async () => {
  await h?.stop();
});

async function statementsOf(run: () => Promise<unknown>): Promise<number> {
  await new Promise((r) => setTimeout(r, 100));
  const before = h.service.database.statements.count;
  await run();
  return h.service.database.statements.count - before;
}

describe('resolving many entities', () => {
  it('resolves 30 orders with their lines and customers’ order counts in 3 statements, whatever their number', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id status total lines { quantity unitPrice product { id } } } } }`;
    let res: any;
    const count = await statementsOf(async () => {
      res = await h.as(OPERATOR)(query, { r: orders.map((id) => ({ __typename: 'Order', id })) });
    });
    expect(res.errors).toBeUndefined();
    expect(res.data._entities).toHaveLength(30);
    expect(res.data._entities[29]).toMatchObject({ id: orders[29], lines: [{ quantity: 30, unitPrice: '1.99' }], total: '59.70' });
    expect(count).toBe(2);
    const few = await statementsOf(() => h.as(OPERATOR)(query, { r: orders.slice(0, 3).map((id) => ({ __typename: 'Order', id })) }));
    expect(few).toBe(count);
    const withCustomers = await statementsOf(() =>
      h.as(OPERATOR)(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id lines { quantity } customer { orderCount } } } }`, {
        r: orders.map((id) => ({ __typename: 'Order', id })),
      }),
    );
    expect(withCustomers).toBe(3);
  });

  it('resolves 30 customers with their order counts in one statement', async () => {
    let res: any;
    const count = await statementsOf(async () => {
      res = await h.as(OPERATOR)(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id orderCount } } }`, {
        r: customers.map((c) => ({ __typename: 'Customer', id: c.sub })),
      });
    });
    expect(res.data._entities.map((c: any) => c.id)).toEqual(customers.map((c) => c.sub));
    expect(res.data._entities.every((c: any) => c.orderCount === 1)).toBe(true);
    expect(count).toBe(1);
  });

  it('lists a page of orders with their lines in a constant number of statements', async () => {
    const query = `query($first: Int) { orders(first: $first) { edges { node { id lines { quantity } customer { id } } } } }`;
    const small = await statementsOf(() => h.as(OPERATOR)(query, { first: 2 }));
    const large = await statementsOf(() => h.as(OPERATOR)(query, { first: 30 }));
    expect(large).toBe(small);
    // The page and the lines: a customer reference needs no read here.
    expect(large).toBe(2);
  });
});

describe('order connections', () => {
  it('pages through all orders newest first with opaque cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: any = await h.as(OPERATOR)(`query($after: String) { orders(first: 7, after: $after) { edges { node { id } cursor } pageInfo { hasNextPage endCursor } } }`, {
        after,
      });
      const conn = res.data.orders;
      seen.push(...conn.edges.map((e: any) => e.node.id));
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...orders].reverse());
  });

  it('filters by status, for the operator and for a customer’s own orders', async () => {
    await eventually(async () => (await h.as(OPERATOR)(`{ orders(first: 100, status: CONFIRMED) { edges { node { id } } } }`)).data.orders.edges.length === 30);
    expect((await h.as(OPERATOR)(`{ orders(status: PENDING) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`)).data.orders).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    const mine = await h.as(customers[3]!)(`{ me { orders(status: CONFIRMED) { edges { node { id } } } } orders { edges { node { id } } } }`);
    expect(mine.data.me.orders.edges).toEqual([{ node: { id: orders[3] } }]);
    expect(mine.data.orders.edges).toEqual([{ node: { id: orders[3] } }]);
  });
});
