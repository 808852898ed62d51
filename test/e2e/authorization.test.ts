/**
 * Who may see and do what. The matrix is generated from the composed schema and the rules table
 * (authorization-rules.ts): a field without a rule fails here, named; every rule runs as the six
 * actors through the gateway. The cases after it follow what a table cannot (a cancellation to
 * its end, carts side by side, a round closing live).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendSchema, parse } from 'graphql';
import type { LiveWatch } from '@distribution/testkit';
import { apiSchema, coverageProblems } from './authorization-coverage.js';
import { matrixProblems } from './authorization-matrix.js';
import { RULES, type PublicRule, type RestrictedRule, type Rule } from './authorization-rules.js';
import { ACTORS, buildWorld, refusalCodeFor, type Actor, type World } from './authorization-world.js';
import { startTestNetwork } from './network.js';
import { placeOrder } from './scenario.js';

const schema = apiSchema();
const codesOf = (response: { errors?: Array<{ extensions?: { code?: string } }> }) => (response.errors ?? []).map((e) => e.extensions?.code);

describe('the rules table covers the API', () => {
  it('has a rule for every field of every type, and none for a field the API lacks', () => {
    expect(coverageProblems(schema, RULES)).toEqual([]);
  });

  it('names a new field that has no rule', () => {
    const grown = extendSchema(schema, parse('extend type DistributionRound { revenue: String! }'));
    expect(coverageProblems(grown, RULES)).toEqual([expect.stringMatching(/^DistributionRound\.revenue: no rule/)]);
  });

  it('refuses a public way into a type that is private with its parent', () => {
    const leaky: Record<string, Rule> = { ...RULES, 'Query.order': { access: 'public', checks: (RULES['Query.order'] as RestrictedRule).checks } };
    expect(coverageProblems(schema, leaky)).toEqual([expect.stringMatching(/^Order: .* but Query\.order \(public\)/)]);
  });
});

const runnable = Object.entries(RULES)
  .filter((entry): entry is [string, PublicRule | RestrictedRule] => entry[1].access === 'restricted' || (entry[1].access === 'public' && Boolean(entry[1].checks?.length)))
  .sort(([, a], [, b]) => Number(a.access === 'restricted' && Boolean(a.runLast)) - Number(b.access === 'restricted' && Boolean(b.runLast)));

const describeRule = (rule: PublicRule | RestrictedRule) =>
  rule.access === 'public'
    ? 'anyone'
    : [rule.allowed.length ? `only ${rule.allowed.join(', ')}` : 'nobody in full', rule.ownRows?.length ? `own rows for ${rule.ownRows.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');

describe('who may see and do what, through the gateway', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(await startTestNetwork({ placeOrderWaitMs: 10_000 }));
  }, 120_000);
  afterAll(async () => world?.net.close());

  for (const [coordinate, rule] of runnable) {
    it(`${coordinate}: ${describeRule(rule)}`, async () => {
      expect(await matrixProblems(coordinate, rule, world, schema)).toEqual([]);
    }, 90_000);
  }

  it("cancelOrder: anonymous, B, X, Y are refused and A's order stays; A cancels it and it is CANCELLED", async () => {
    const placed = await placeOrder(world.net, world.A, [{ productId: world.productX, quantity: 1 }]);
    const orderId = placed.data.placeOrder.id;
    const CANCEL = 'mutation($id: ID!) { cancelOrder(id: $id) { id status } }';
    const statusAsA = async () => (await world.http('customerA')('query($id: ID!) { order(id: $id) { status } }', { id: orderId })).data.order.status;
    expect(await statusAsA()).toBe('CONFIRMED');
    for (const actor of ['anonymous', 'customerB', 'manufacturerX', 'manufacturerY'] as Actor[]) {
      expect(codesOf(await world.http(actor)(CANCEL, { id: orderId })), actor).toEqual([refusalCodeFor(actor)]);
      expect(await statusAsA()).toBe('CONFIRMED');
    }
    const cancelled = await world.http('customerA')(CANCEL, { id: orderId });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data.cancelOrder).toEqual({ id: orderId, status: 'CANCELLED' });
    expect(await statusAsA()).toBe('CANCELLED');
  });

  it('shows each customer only their own cart and orders', async () => {
    const SET_LINE = 'mutation($p: ID!, $q: Int!) { setCartLineQuantity(productId: $p, quantity: $q) { __typename } }';
    // Known carts whatever ran before: A holds 2 of X's goods, B 1 of Y's.
    for (const [actor, productId, quantity] of [
      ['customerA', world.productY, 0],
      ['customerA', world.productX, 2],
      ['customerB', world.productX, 0],
      ['customerB', world.productY, 1],
    ] as Array<[Actor, string, number]>) {
      expect((await world.http(actor)(SET_LINE, { p: productId, q: quantity })).errors).toBeUndefined();
    }
    const MINE = '{ me { id cart { lines { product { id } quantity } } orders(first: 100) { edges { node { id } } } } }';
    const [a, b] = [(await world.http('customerA')(MINE)).data.me, (await world.http('customerB')(MINE)).data.me];
    expect(a.id).toBe(world.A.id);
    expect(b.id).toBe(world.B.id);
    expect(a.cart.lines).toEqual([{ product: { id: world.productX }, quantity: 2 }]);
    expect(b.cart.lines).toEqual([{ product: { id: world.productY }, quantity: 1 }]);
    const ordersOf = (me: any) => me.orders.edges.map((e: any) => e.node.id);
    expect(ordersOf(a)).toContain(world.orderA);
    expect(ordersOf(a)).not.toContain(world.orderB);
    expect(ordersOf(b)).toContain(world.orderB);
    expect(ordersOf(b)).not.toContain(world.orderA);
    expect(codesOf(await world.http('anonymous')('{ me { id } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it("a refused subscription ends none of the same caller's other subscriptions", async () => {
    const watcher = world.live('anonymous');
    const intruder = world.live('anonymous');
    try {
      const stock = watcher.watch('subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { available } }', { ids: [world.productY] });
      const before = (await stock.next('availabilityChanged')).available;
      // Anonymous callers share one upstream connection per subgraph: each refusal ends on it.
      for (const query of ['subscription { roundChanged { sales { unitsSold } } }', 'subscription { manufacturerNotices { kind } }']) {
        for (let i = 0; i < 3; i += 1) expect(await intruder.watch(query).refusal()).toEqual(['UNAUTHENTICATED']);
      }
      await placeOrder(world.net, world.B, [{ productId: world.productY, quantity: 1 }]);
      expect(await stock.next('availabilityChanged')).toEqual({ available: before - 1 });
    } finally {
      await Promise.all([watcher.close(), intruder.close()]);
    }
  });

  it('roundChanged sends each manufacturer its own lines of the closing round, the operator every line, and refuses the rest', async () => {
    const SALES = 'subscription { roundChanged { number status sales { manufacturerId unitsSold } } }';
    const clients = ACTORS.map((actor) => [actor, world.live(actor)] as const);
    const live = Object.fromEntries(clients.map(([actor, client]) => [actor, client.watch(SALES)])) as Record<Actor, LiveWatch>;
    const publicView = world.live('anonymous');
    try {
      const roundOnly = publicView.watch('subscription { roundChanged { number status } }');
      for (const actor of ['anonymous', 'customerA', 'customerB'] as Actor[]) expect(await live[actor].refusal(), actor).toEqual([refusalCodeFor(actor)]);
      const open = await live.operator.next('roundChanged');
      expect(open).toMatchObject({ status: 'OPEN', sales: [] });
      for (const actor of ['manufacturerX', 'manufacturerY'] as Actor[]) expect(await live[actor].next('roundChanged')).toMatchObject({ number: open.number, sales: [] });
      expect(await roundOnly.next('roundChanged')).toEqual({ number: open.number, status: 'OPEN' });

      await placeOrder(world.net, world.A, [{ productId: world.productX, quantity: 2 }]);
      await placeOrder(world.net, world.B, [{ productId: world.productY, quantity: 3 }]);
      expect((await world.http('operator')('mutation { closeRound { number } }')).errors).toBeUndefined();

      const makers = (event: { sales: Array<{ manufacturerId: string }> }) => [...new Set(event.sales.map((s) => s.manufacturerId))].sort();
      const closed = await live.operator.next('roundChanged');
      expect(closed.status).not.toBe('OPEN');
      expect(makers(closed)).toEqual([world.X, world.Y].sort());
      expect(makers(await live.manufacturerX.next('roundChanged'))).toEqual([world.X]);
      expect(makers(await live.manufacturerY.next('roundChanged'))).toEqual([world.Y]);
      expect(await roundOnly.next('roundChanged')).toEqual({ number: open.number, status: closed.status });
    } finally {
      await Promise.all([...clients.map(([, client]) => client.close()), publicView.close()]);
    }
    await world.untilRoundSettled();
    expect((await world.http('operator')('mutation { openRound { number } }')).errors).toBeUndefined();
  });
});
