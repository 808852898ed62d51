import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { recomputeStock } from '../src/db/ledger.js';
import {
  CLOSE_ROUND,
  invariantViolations,
  OPEN_ROUND,
  openInspector,
  operator,
  orderPlaced,
  product,
  published,
  settlementApplied,
  startFakeProducer,
  startInventory,
  stockRow,
  supplyChanged,
  untilKnown,
  type FakeProducer,
  type InventoryUnderTest,
} from './support/harness.js';

const ROUND_STATUS = 'query { currentRound { number status } }';

describe('leftovers of a round when the next one opens', () => {
  let inventory: InventoryUnderTest;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const maker = randomUUID();
  const kept = product(maker, { unitPriceCents: 300 });
  const dropped = product(maker, { unitPriceCents: 400 });

  beforeAll(async () => {
    const url = await createTestDatabase('inv_leftovers');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    inventory = await startInventory(url, { roundPeriod: 'P1D' });
    inspector = await openInspector(url);
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  it('gives the unsold units back and stocks the new supply, and the ledger still recomputes every row', async () => {
    await manufacturer.publish(supplyChanged(kept, 5, 5, 'CREATED'), supplyChanged(dropped, 4, 4, 'CREATED'));
    await untilKnown(inspector, [kept.productId, dropped.productId]);
    expect((await inventory.as(operator)(OPEN_ROUND)).data.openRound).toMatchObject({ number: 1 });

    const order = randomUUID();
    await orders.publish(orderPlaced(order, [[kept.productId, 2, 300]]));
    await eventually(async () => (await published(inspector, ['StockReserved'])).find((e) => e.payload.orderId === order));
    expect((await inventory.as(operator)(CLOSE_ROUND)).data.closeRound).toMatchObject({ number: 1, status: 'CLOSED' });
    // Three units of one product and four of the other were not sold: they stay on hand until the next round.
    expect(await stockRow(inspector, kept.productId)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect(await stockRow(inspector, dropped.productId)).toMatchObject({ on_hand: 4, reserved: 0 });

    // The manufacturer settles the two sold units, then stops offering the other product.
    await manufacturer.publish(supplyChanged(kept, 3, -2, 'SETTLED'), settlementApplied(1, maker));
    await manufacturer.publish(supplyChanged(dropped, 4, 0, 'DISCONTINUED', true));
    await eventually(async () => (await inventory.as(operator)(ROUND_STATUS)).data.currentRound.status === 'SETTLED');
    // All five manufacturer events are applied (two products created, a settlement of supply and of the round, a discontinuation).
    await eventually(async () => (await inspector.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'inventory.manufacturer'`))[0].n === 5);

    expect((await inventory.as(operator)(OPEN_ROUND)).data.openRound).toMatchObject({ number: 2 });
    expect(await stockRow(inspector, kept.productId)).toMatchObject({ on_hand: 3, reserved: 0, round_number: 2 });
    expect(await stockRow(inspector, dropped.productId)).toMatchObject({ on_hand: 0, reserved: 0 });
    const moves = async (productId: string) =>
      (await inspector.query(`SELECT kind, quantity, round_number FROM stock_movement WHERE product_id = $1 ORDER BY id`, [productId])).map(
        (m: { kind: string; quantity: number; round_number: number }) => [m.kind, m.quantity, m.round_number],
      );
    expect(await moves(kept.productId)).toEqual([
      ['ROUND_OPENED_SUPPLY', 5, 1],
      ['RESERVE', 2, 1],
      ['SALE', 2, 1],
      ['WITHDRAWN', 3, 2],
      ['ROUND_OPENED_SUPPLY', 3, 2],
    ]);
    expect(await moves(dropped.productId)).toEqual([
      ['ROUND_OPENED_SUPPLY', 4, 1],
      ['WITHDRAWN', 4, 2],
    ]);
    for (const p of [kept, dropped]) {
      const row = await stockRow(inspector, p.productId);
      expect(await recomputeStock(inspector, p.productId)).toEqual({ onHand: row!.on_hand, reserved: row!.reserved });
    }
    expect(await invariantViolations(inspector)).toEqual([]);
  });
});
