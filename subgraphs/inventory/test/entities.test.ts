import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import {
  CLOSE_ROUND,
  OPEN_ROUND,
  openInspector,
  operator,
  orderPlaced,
  product,
  settlementApplied,
  startFakeProducer,
  startInventory,
  supplyChanged,
  untilKnown,
  untilOutcomes,
  type FakeProducer,
  type InventoryUnderTest,
  type ProductSpec,
} from './support/harness.js';

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id stock { available } } } }';

describe('reading stock through the federation', () => {
  let inventory: InventoryUnderTest;
  let manufacturer: FakeProducer;
  let orders: FakeProducer;
  let inspector: ServiceDatabase;
  const catalog: ProductSpec[] = Array.from({ length: 50 }, (_, i) => product(randomUUID(), { category: i < 3 ? 'kettles' : 'tea' }));
  const kettles = catalog.slice(0, 3);
  const retired = product(randomUUID(), { category: 'kettles' });

  beforeAll(async () => {
    const url = await createTestDatabase('inv_entities');
    [manufacturer, orders] = await Promise.all([startFakeProducer(url, 'manufacturer_fake'), startFakeProducer(url, 'order_fake')]);
    // No polling in the background, so a statement count sees only the request's own statements.
    inventory = await startInventory(url, { eventPollIntervalMs: 60_000, periodCheckIntervalMs: 60_000 });
    inspector = await openInspector(url);
    await manufacturer.publish(
      ...catalog.map((p, i) => supplyChanged(p, 10 + i, 10 + i, 'CREATED')),
      supplyChanged(retired, 50, 50, 'CREATED'),
      supplyChanged(retired, 50, 0, 'DISCONTINUED', true),
    );
    await untilKnown(
      inspector,
      [...catalog, retired].map((p) => p.productId),
    );
    expect((await inventory.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([manufacturer?.stop(), orders?.stop(), inspector?.close()]);
  });

  /** Waits until the service has run no statement for a while (its event loops are idle). */
  async function quiet() {
    let last = -1;
    await eventually(
      async () => {
        const now = inventory.service.database.statements.count;
        const still = now === last;
        last = now;
        return still;
      },
      { intervalMs: 150 },
    );
  }

  it("resolves 50 products' stock with ONE statement", async () => {
    await quiet();
    const representations = catalog.map((p) => ({ __typename: 'Product', id: p.productId }));
    const before = inventory.service.database.statements.count;
    const response = await inventory.as(null)(ENTITIES, { r: representations });
    const statements = inventory.service.database.statements.count - before;
    expect(response.errors).toBeUndefined();
    expect(response.data._entities).toHaveLength(50);
    expect(response.data._entities.map((e: any) => e.stock.available)).toEqual(catalog.map((_, i) => 10 + i));
    expect(statements).toBe(1);
  });

  it('gives a product inventory has never heard of (or a malformed id) empty, DEPLETED stock', async () => {
    const stranger = randomUUID();
    const response = await inventory.as(null)(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id stock { onHand reserved available lowStockThreshold status roundNumber product { id } } } } }',
      {
        r: [
          { __typename: 'Product', id: stranger },
          { __typename: 'Product', id: 'not-a-uuid' },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data._entities).toEqual([
      { id: stranger, stock: { onHand: 0, reserved: 0, available: 0, lowStockThreshold: 5, status: 'DEPLETED', roundNumber: null, product: { id: stranger } } },
      { id: 'not-a-uuid', stock: { onHand: 0, reserved: 0, available: 0, lowStockThreshold: 5, status: 'DEPLETED', roundNumber: null, product: { id: 'not-a-uuid' } } },
    ]);
  });

  it("offers a category's products on offer, most available first, then by id, in one statement", async () => {
    await orders.publish(orderPlaced(randomUUID(), [[kettles[2]!.productId, 12]]));
    await untilOutcomes(inspector, 1);
    await quiet();
    const before = inventory.service.database.statements.count;
    const response = await inventory.as(null)('query { offers(category: "kettles") { id stock { available status } } }');
    expect(inventory.service.database.statements.count - before).toBe(1);
    // Supplies 10, 11, 12; 12 of the third are reserved; the discontinued kettle is not offered.
    expect(response.data.offers).toEqual([
      { id: kettles[1]!.productId, stock: { available: 11, status: 'IN_STOCK' } },
      { id: kettles[0]!.productId, stock: { available: 10, status: 'IN_STOCK' } },
      { id: kettles[2]!.productId, stock: { available: 0, status: 'DEPLETED' } },
    ]);
    expect((await inventory.as(null)('query { offers(category: "nothing here") { id } }')).data.offers).toEqual([]);
  });

  it('pages through rounds newest first, loading their sales in one statement', async () => {
    expect((await inventory.as(operator)(CLOSE_ROUND)).data.closeRound).toMatchObject({ number: 1, status: 'CLOSED' });
    await manufacturer.publish(settlementApplied(1, kettles[2]!.manufacturerId));
    await eventually(async () => (await inventory.as(null)('{ currentRound { status } }')).data.currentRound.status === 'SETTLED');
    expect((await inventory.as(operator)(OPEN_ROUND)).data.openRound.number).toBe(2);
    expect((await inventory.as(operator)(CLOSE_ROUND)).data.closeRound).toMatchObject({ number: 2, status: 'SETTLED' });
    expect((await inventory.as(operator)(OPEN_ROUND)).data.openRound.number).toBe(3);
    await quiet();

    const ROUNDS = 'query($after: String) { rounds(first: 2, after: $after) { edges { node { number status sales { unitsSold } } cursor } pageInfo { hasNextPage endCursor } } }';
    const before = inventory.service.database.statements.count;
    const first = await inventory.as(operator)(ROUNDS);
    expect(inventory.service.database.statements.count - before).toBe(2);
    expect(first.data.rounds.edges.map((e: any) => [e.node.number, e.node.status, e.node.sales])).toEqual([
      [3, 'OPEN', []],
      [2, 'SETTLED', []],
    ]);
    expect(first.data.rounds.pageInfo.hasNextPage).toBe(true);
    const second = await inventory.as(operator)(ROUNDS, { after: first.data.rounds.pageInfo.endCursor });
    expect(second.data.rounds.edges.map((e: any) => [e.node.number, e.node.sales])).toEqual([[1, [{ unitsSold: 12 }]]]);
    expect(second.data.rounds.pageInfo).toEqual({ hasNextPage: false, endCursor: second.data.rounds.edges[0].cursor });
    expect((await inventory.as(null)('{ currentRound { number status closedAt closeReason } }')).data.currentRound).toEqual({
      number: 3,
      status: 'OPEN',
      closedAt: null,
      closeReason: null,
    });
  });

  it('publishes a federation 2 schema that adds stock to Product', async () => {
    const { data } = await inventory.as(null)('{ _service { sdl } }');
    expect(data._service.sdl).toMatch(/type Product\s+@key\(fields: "id"\)/);
    expect(data._service.sdl).toContain('stock: StockItem!');
    expect(data._service.sdl).toMatch(/type PageInfo\s+@shareable/);
  });
});
