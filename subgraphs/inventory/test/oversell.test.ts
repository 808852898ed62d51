import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOf, type ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { applyReservationBatch } from '../src/events/order-events.js';
import { recomputeStock } from '../src/db/ledger.js';
import { checkOptions } from '../src/settings.js';
import type { ReservationRequest } from '../src/domain/reservation.js';
import {
  invariantViolations,
  OPEN_ROUND,
  openInspector,
  operator,
  orderPlaced,
  product,
  published,
  quietLogger,
  startFakeProducer,
  startInventory,
  stockRow,
  supplyChanged,
  untilKnown,
  untilOutcomes,
  untilRelayed,
  type FakeProducer,
  type InventoryUnderTest,
} from './support/harness.js';

describe('never overselling under concurrent orders', () => {
  let inventory: InventoryUnderTest;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const hot = product();
  // A second product keeps units in the round, so it does not close when the hot one sells out.
  const spare = product(hot.manufacturerId);

  beforeAll(async () => {
    const url = await createTestDatabase('inv_oversell');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    inventory = await startInventory(url, { lowStockThreshold: 5 });
    inspector = await openInspector(url);
    await manufacturer.publish(supplyChanged(hot, 20, 20, 'CREATED'), supplyChanged(spare, 5, 5, 'CREATED'));
    await untilKnown(inspector, [hot.productId, spare.productId]);
    const opened = await inventory.as(operator)(OPEN_ROUND);
    expect(opened.errors).toBeUndefined();
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  it('reserves exactly 20 of 200 one-unit orders (from 50 concurrent producer transactions) on 20 units', async () => {
    expect(await stockRow(inspector, hot.productId)).toMatchObject({ on_hand: 20, reserved: 0, round_number: 1 });
    const orderIds = Array.from({ length: 200 }, () => randomUUID());
    await Promise.all(Array.from({ length: 50 }, (_, t) => orders.publish(...orderIds.slice(t * 4, t * 4 + 4).map((id) => orderPlaced(id, [[hot.productId, 1]])))));

    const outcomes = await untilOutcomes(inspector, 200);
    expect(outcomes).toHaveLength(200);
    const perOrder = new Map<string, number>();
    for (const o of outcomes) perOrder.set(o.payload.orderId, (perOrder.get(o.payload.orderId) ?? 0) + 1);
    expect([...perOrder.keys()].sort()).toEqual([...orderIds].sort());
    expect([...perOrder.values()].every((n) => n === 1)).toBe(true);

    const reserved = outcomes.filter((o) => o.type === 'StockReserved');
    const rejected = outcomes.filter((o) => o.type === 'StockRejected');
    expect(reserved).toHaveLength(20);
    expect(rejected).toHaveLength(180);
    for (const o of reserved) expect(o.payload).toMatchObject({ changeId: null, roundNumber: 1, lines: [{ productId: hot.productId, quantity: 1 }] });
    for (const o of rejected) expect(o.payload).toMatchObject({ changeId: null, reason: 'INSUFFICIENT_STOCK', lines: [{ productId: hot.productId, requested: 1, available: 0 }] });
    // Bus order is the order of service: the first 20 orders on the bus got the units.
    expect(outcomes.slice(0, 20).every((o) => o.type === 'StockReserved')).toBe(true);

    expect(await stockRow(inspector, hot.productId)).toMatchObject({ on_hand: 20, reserved: 20 });
    expect(await invariantViolations(inspector)).toEqual([]);
    expect(await recomputeStock(inspector, hot.productId)).toEqual({ onHand: 20, reserved: 20 });
    const [{ held }] = await inspector.query(`SELECT count(*)::int AS held FROM reservation WHERE product_id = $1 AND status = 'RESERVED' AND quantity = 1`, [hot.productId]);
    expect(held).toBe(20);
    expect(await inspector.query('SELECT * FROM parked_event')).toEqual([]);
  });

  it('announces the crossing to low stock and the depletion once each', async () => {
    const signals = await eventually(async () => {
      const events = (await published(inspector, ['LowStock', 'StockDepleted'])).filter((e) => e.payload.productId === hot.productId);
      return events.length >= 2 ? events : null;
    });
    expect(signals.map((e) => e.type).sort()).toEqual(['LowStock', 'StockDepleted']);
    const low = signals.find((e) => e.type === 'LowStock')!.payload;
    expect(low).toMatchObject({ lowStockThreshold: 5, manufacturerId: hot.manufacturerId, category: 'tea', roundNumber: 1 });
    // Batches may take it from 20 straight to 0: the crossing is still announced once.
    expect(low.available).toBeLessThanOrEqual(5);
    await untilRelayed(inspector);
    expect((await published(inspector, ['LowStock', 'StockDepleted'])).filter((e) => e.payload.productId === hot.productId)).toHaveLength(2);
    const availability = (await published(inspector, ['AvailabilityChanged'])).filter((e) => e.payload.productId === hot.productId);
    // One per changed row per batch, not one per order.
    expect(availability.length).toBeLessThan(200);
    expect(availability.at(-1)!.payload).toMatchObject({ onHand: 20, reserved: 20, available: 0, status: 'DEPLETED' });
  });

  it('takes one row lock and one UPDATE for a hot product however many orders a batch holds', async () => {
    const bulk = product(hot.manufacturerId);
    await manufacturer.publish(supplyChanged(bulk, 1000, 1000, 'CREATED'));
    await eventually(async () => (await stockRow(inspector, bulk.productId))?.on_hand === 1000);
    const deps = { ...checkOptions({}), logger: quietLogger() };
    const batch = (n: number): ReservationRequest[] =>
      Array.from({ length: n }, () => ({
        kind: 'PLACE',
        orderId: randomUUID(),
        lines: [{ productId: bulk.productId, quantity: 1, unitPriceCents: 100 }],
      }));
    const statementsFor = async (requests: ReservationRequest[]) => {
      const before = inspector.statements.count;
      await inspector.transaction((m) => applyReservationBatch(sqlOf(m), requests, deps));
      return inspector.statements.count - before;
    };
    const forTen = await statementsFor(batch(10));
    const forHundred = await statementsFor(batch(100));
    expect(forHundred).toBe(forTen);
    expect(forHundred).toBeLessThan(20);
    expect(await stockRow(inspector, bulk.productId)).toMatchObject({ on_hand: 1000, reserved: 110 });
    expect(await recomputeStock(inspector, bulk.productId)).toEqual({ onHand: 1000, reserved: 110 });
  });
});
