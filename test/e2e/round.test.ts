import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, operator, manufacturerIdentity, eventually, type TestNetwork } from './network.js';
import { createProduct, openRound, placeOrder, registerCustomer, registerManufacturer } from './scenario.js';

describe('a full distribution round through the gateway', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork();
  });
  afterAll(async () => net?.close());

  it('opens, sells out, closes by itself, settles once with the manufacturer and pulls the rest next round', async () => {
    const maker = await registerManufacturer(net);
    const tea = await createProduct(net, maker, { supply: 5, category: 'tea', price: '4.00' });
    const jam = await createProduct(net, maker, { supply: 3, category: 'jam', price: '2.50' });
    const first = await openRound(net);
    const customer = await registerCustomer(net);

    const o1 = await placeOrder(net, customer, [
      { productId: tea, quantity: 5 },
      { productId: jam, quantity: 1 },
    ]);
    expect(o1.data.placeOrder.status).toBe('CONFIRMED');
    // Production during the round adds to stock.
    await net.as(manufacturerIdentity(maker))('mutation($id: ID!) { produce(productId: $id, quantity: 2) { supply } }', { id: jam });
    await eventually(async () => (await net.as()('query($id: ID!) { product(id: $id) { stock { available } } }', { id: jam })).data?.product.stock.available === 4);
    const o2 = await placeOrder(net, customer, [{ productId: jam, quantity: 4 }]);
    // This order takes the last units: the round may already have closed and fulfilled it.
    expect(['CONFIRMED', 'FULFILLED']).toContain(o2.data.placeOrder.status);

    // Everything is sold: the round closes by itself and the manufacturer books the sales.
    const round = await eventually(async () => {
      const r = await net.as(operator)('{ currentRound { number status closeReason sales { product { id } unitsSold } } }');
      return r.data?.currentRound.status === 'SETTLED' ? r.data.currentRound : null;
    });
    expect(round.number).toBe(first);
    expect(round.closeReason).toBe('DEPLETED');
    expect(new Map(round.sales.map((s: any) => [s.product.id, s.unitsSold]))).toEqual(
      new Map([
        [tea, 5],
        [jam, 5],
      ]),
    );

    const settlements = await net.as(manufacturerIdentity(maker))(
      'query($id: ID!) { manufacturer(id: $id) { settlements(first: 10) { edges { node { roundNumber unitsSold revenue } } } } }',
      { id: maker },
    );
    expect(settlements.data.manufacturer.settlements.edges.map((e: any) => e.node)).toEqual([{ roundNumber: first, unitsSold: 10, revenue: '32.50' }]);
    const supply = await net.as()('query($t: ID!, $j: ID!) { t: product(id: $t) { supply } j: product(id: $j) { supply } }', { t: tea, j: jam });
    expect(supply.data).toEqual({ t: { supply: 0 }, j: { supply: 0 } });

    const me = await net.as(customer.token)('{ me { orders(first: 10) { edges { node { status } } } purchases { quantity } } }');
    expect(me.data.me.orders.edges.map((e: any) => e.node.status)).toEqual(['FULFILLED', 'FULFILLED']);
    expect(me.data.me.purchases.reduce((n: number, p: any) => n + p.quantity, 0)).toBe(10);

    // Next round: only what was produced since (nothing sold twice).
    await net.as(manufacturerIdentity(maker))('mutation($id: ID!) { produce(productId: $id, quantity: 6) { supply } }', { id: tea });
    // Opening right away is fine: production inventory hears of later adds to the open round's stock.
    const second = await openRound(net);
    expect(second).toBe(first + 1);
    await eventually(async () => {
      const r = await net.as()('query($t: ID!, $j: ID!) { t: product(id: $t) { stock { onHand available } } j: product(id: $j) { stock { onHand } } }', { t: tea, j: jam });
      return r.data?.t.stock.onHand === 6 && r.data.t.stock.available === 6 && r.data.j.stock.onHand === 0;
    });
  });
});
