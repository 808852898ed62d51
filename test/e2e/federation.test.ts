import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, operator, eventually, type TestNetwork } from './network.js';
import { seedSampleData } from '../../scripts/seed.js';
import { SAMPLE_MANUFACTURERS } from '../../scripts/sample-data.js';

describe('one query through the gateway reaches two subgraphs', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork();
    await seedSampleData(net.gatewayUrl, net.signToken);
  });
  afterAll(async () => net?.close());

  it('joins catalog and stock that crossed services as events', async () => {
    const expected = new Map(SAMPLE_MANUFACTURERS.flatMap((m) => m.products.map((p) => [p.sku, { maker: m.name, supply: p.supply }])));
    const res = await net.as()(`{ products(first: 100) { edges { node { sku name manufacturer { name } stock { available onHand reserved status } } } } }`);
    expect(res.errors).toBeUndefined();
    const nodes = res.data.products.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(expected.size);
    for (const node of nodes) {
      const want = expected.get(node.sku)!;
      expect(node.manufacturer.name).toBe(want.maker);
      // Round 1 was opened by the seed: the whole supply is in stock.
      expect(node.stock).toMatchObject({ onHand: want.supply, reserved: 0, available: want.supply, status: 'IN_STOCK' });
    }
  });

  it('seeding again changes nothing', async () => {
    const again = await seedSampleData(net.gatewayUrl, net.signToken);
    expect(again).toEqual({ manufacturersCreated: 0, productsCreated: 0, manufacturerLoginsCreated: 0, customersCreated: 0, roundOpened: null });
  });

  it('lists the same goods across manufacturers as offers', async () => {
    const res = await net.as()(`{ offers(category: "coffee") { name unitPrice manufacturer { name } stock { available } } }`);
    expect(res.errors).toBeUndefined();
    const makers = new Set(res.data.offers.map((o: any) => o.manufacturer.name));
    expect(makers).toEqual(new Set(['Northwind Mills', 'Harbor Roasters']));
  });

  it('shows production during a round as stock, through the event bus', async () => {
    const res = await net.as()(`{ products(filter: { search: "NW-COFFEE" }) { edges { node { id stock { available } } } } }`);
    const product = res.data.products.edges[0].node;
    const produced = await net.as(operator)(`mutation($id: ID!) { produce(productId: $id, quantity: 7) { supply } }`, { id: product.id });
    expect(produced.errors).toBeUndefined();
    await eventually(async () => {
      const r = await net.as()(`query($id: ID!) { product(id: $id) { stock { available } } }`, { id: product.id });
      return r.data?.product.stock.available === product.stock.available + 7;
    });
  });

  it('refuses a bad token with UNAUTHENTICATED and no stack trace', async () => {
    const res = await net.as('not-a-jwt')(`{ currentRound { number } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res.errors)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('lets nothing reach a subgraph without the gateway', async () => {
    const res = await fetch(net.services.inventory.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ currentRound { number } }' }),
    });
    expect(res.status).toBe(403);
  });
});
