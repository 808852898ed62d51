import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Identity } from '@distribution/auth';
import { startTestNetwork, operator, manufacturerIdentity, type TestNetwork } from './network.js';
import { createProduct, openRound, placeOrder, registerCustomer, registerManufacturer, type Customer } from './scenario.js';

type Actor = 'anonymous' | 'customerA' | 'customerB' | 'manufacturerX' | 'manufacturerY' | 'operator';
const ACTORS: Actor[] = ['anonymous', 'customerA', 'customerB', 'manufacturerX', 'manufacturerY', 'operator'];

interface Case {
  name: string;
  /** Who may do it; everyone else is refused (anonymous with UNAUTHENTICATED, the rest with FORBIDDEN). */
  allowed: Actor[];
  /** The operation, run by each actor; read-only or repeatable so that the order of actors does not matter. */
  run: (as: ReturnType<TestNetwork['as']>) => Promise<{ data?: any; errors?: Array<{ extensions?: { code?: string } }> }>;
}

describe('who may do what (authorization matrix)', () => {
  let net: TestNetwork;
  let X: string, Y: string, productX: string, A: Customer, B: Customer, orderA: string;
  const client = (actor: Actor) => {
    const identities: Record<Actor, Identity | string | null> = {
      anonymous: null, customerA: A.token, customerB: B.token,
      manufacturerX: manufacturerIdentity(X), manufacturerY: manufacturerIdentity(Y), operator,
    };
    return net.as(identities[actor]);
  };

  beforeAll(async () => {
    net = await startTestNetwork();
    X = await registerManufacturer(net);
    Y = await registerManufacturer(net);
    productX = await createProduct(net, X, { supply: 1000, category: 'matrix' });
    await openRound(net);
    A = await registerCustomer(net, 'alice');
    B = await registerCustomer(net, 'bob');
    const placed = await placeOrder(net, A, [{ productId: productX, quantity: 1 }]);
    orderA = placed.data.placeOrder.id;
  });
  afterAll(async () => net?.close());

  const cases: Case[] = [
    { name: 'registerManufacturer', allowed: ['operator'], run: (as) => as('mutation($n: String!) { registerManufacturer(input: { name: $n }) { id } }', { n: `M ${randomUUID()}` }) },
    { name: 'createProduct for X', allowed: ['manufacturerX', 'operator'], run: (as) => as('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', { i: { manufacturerId: X, sku: `S-${randomUUID().slice(0, 8)}`, name: 'n', category: 'matrix', unitPrice: '1.00' } }) },
    { name: "updateProduct on X's product", allowed: ['manufacturerX', 'operator'], run: (as) => as('mutation($id: ID!) { updateProduct(id: $id, input: { unitPrice: "9.99" }) { id } }', { id: productX }) },
    { name: "produce X's product", allowed: ['manufacturerX', 'operator'], run: (as) => as('mutation($id: ID!) { produce(productId: $id, quantity: 1) { id } }', { id: productX }) },
    { name: "X's settlements", allowed: ['manufacturerX', 'operator'], run: (as) => as('query($id: ID!) { manufacturer(id: $id) { settlements(first: 5) { edges { node { id } } } } }', { id: X }) },
    { name: 'setLowStockThreshold', allowed: ['manufacturerX', 'operator'], run: (as) => as('mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 3) { lowStockThreshold } }', { id: productX }) },
    { name: 'stockMovements', allowed: ['operator'], run: (as) => as('query($id: ID!) { stockMovements(productId: $id, first: 5) { edges { node { __typename } } } }', { id: productX }) },
    { name: "A's order", allowed: ['customerA', 'operator'], run: (as) => as('query($id: ID!) { order(id: $id) { id status } }', { id: orderA }) },
    { name: 'addToCart', allowed: ['customerA', 'customerB'], run: (as) => as('mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { __typename } }', { p: productX }) },
    { name: "changeOrderLine on A's order", allowed: ['customerA'], run: (as) => as('mutation($o: ID!, $p: ID!) { changeOrderLine(orderId: $o, productId: $p, quantity: 1) { __typename } }', { o: orderA, p: productX }) },
  ];

  for (const c of cases) {
    it(`${c.name}: only ${c.allowed.join(', ')}`, async () => {
      // Refusals first, so that a permitted state change (closing the round) cannot hide a missing check.
      for (const actor of ACTORS.filter((a) => !c.allowed.includes(a))) {
        const res = await c.run(client(actor));
        expect(res.errors?.[0]?.extensions?.code, `${actor} on ${c.name}`).toBe(actor === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
      for (const actor of c.allowed) {
        const res = await c.run(client(actor));
        expect(res.errors, `${actor} on ${c.name}`).toBeUndefined();
      }
    });
  }

  it("cancelOrder: B, X, Y and anonymous are refused and A's order stays; A may cancel it", async () => {
    for (const actor of ['anonymous', 'customerB', 'manufacturerX', 'manufacturerY'] as Actor[]) {
      const res = await client(actor)('mutation($id: ID!) { cancelOrder(id: $id) { id status } }', { id: orderA });
      expect(res.errors?.[0]?.extensions?.code).toBe(actor === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
    const seen = await client('customerA')('query($id: ID!) { order(id: $id) { status } }', { id: orderA });
    expect(['CONFIRMED', 'FULFILLED']).toContain(seen.data.order.status);
  });

  it("shows each customer only their own cart and orders", async () => {
    const b = await client('customerB')('{ me { id orders(first: 50) { edges { node { id } } } } }');
    expect(b.data.me.id).toBe(B.id);
    expect(b.data.me.orders.edges.map((e: any) => e.node.id)).not.toContain(orderA);
    const anon = await client('anonymous')('{ me { id } }');
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('closeRound and openRound: only the operator', async () => {
    for (const actor of ACTORS.filter((a) => a !== 'operator')) {
      for (const mutation of ['mutation { closeRound { number } }', 'mutation { openRound { number } }']) {
        const res = await client(actor)(mutation);
        expect(res.errors?.[0]?.extensions?.code, `${actor}: ${mutation}`).toBe(actor === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
    }
    const round = await client('operator')('{ currentRound { status } }');
    expect(round.data.currentRound.status).toBe('OPEN');
    const closed = await client('operator')('mutation { closeRound { number status } }');
    expect(closed.errors).toBeUndefined();
    expect(closed.data.closeRound.status).not.toBe('OPEN');
  });
});
