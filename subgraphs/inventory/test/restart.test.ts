import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { recomputeStock } from '../src/db/ledger.js';
import {
  invariantViolations,
  OPEN_ROUND,
  openInspector,
  operator,
  orderCancelled,
  orderPlaced,
  product,
  published,
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

describe('a consumer that was down', () => {
  let url: string;
  let inventory: InventoryUnderTest | null = null;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const tea = product();
  const cups = product(tea.manufacturerId);

  beforeAll(async () => {
    url = await createTestDatabase('inv_restart');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    inspector = await openInspector(url);
    inventory = await startInventory(url);
    await manufacturer.publish(supplyChanged(tea, 60, 60, 'CREATED'), supplyChanged(cups, 30, 30, 'CREATED'));
    await untilKnown(inspector, [tea.productId, cups.productId]);
    expect((await inventory.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  const outcomesPerOrder = (outcomes: Array<{ payload: any }>) => {
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o.payload.orderId, (counts.get(o.payload.orderId) ?? 0) + 1);
    return counts;
  };

  it('applies every order published while it was stopped exactly once after it restarts', async () => {
    await inventory!.service.stop();
    inventory = null;

    const orderIds = Array.from({ length: 120 }, () => randomUUID());
    const cancelled = orderIds.filter((_, i) => i % 10 === 0);
    await Promise.all(
      Array.from({ length: 30 }, (_, t) =>
        orders.publish(
          ...orderIds.slice(t * 4, t * 4 + 4).map((id, k) =>
            orderPlaced(
              id,
              k % 2
                ? [
                    [tea.productId, 1],
                    [cups.productId, 1],
                  ]
                : [
                    [cups.productId, 1],
                    [tea.productId, 1],
                  ],
            ),
          ),
        ),
      ),
    );
    await orders.publish(...cancelled.map((id) => orderCancelled(id)));
    // The producer's relay has moved everything to the bus; inventory has seen none of it.
    await eventually(async () => (await orders.database.query('SELECT count(*)::int AS n FROM outbox'))[0].n === 0);
    expect(await published(inspector, ['StockReserved', 'StockRejected'])).toEqual([]);

    inventory = await startInventory(url);
    const outcomes = await untilOutcomes(inspector, orderIds.length);
    const releases = await eventually(async () => {
      const events = await published(inspector, ['StockReleased']);
      return events.length >= cancelled.filter((id) => outcomes.find((o) => o.payload.orderId === id)!.type === 'StockReserved').length ? events : null;
    });

    const counts = outcomesPerOrder(outcomes);
    expect([...counts.keys()].sort()).toEqual([...orderIds].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect([...outcomesPerOrder(releases).values()].every((n) => n === 1)).toBe(true);
    // 30 cups: the first 30 orders on the bus get them, 3 of those are cancelled again.
    expect(outcomes.filter((o) => o.type === 'StockReserved')).toHaveLength(30);
    const released = releases.length;
    expect(await stockRow(inspector, cups.productId)).toMatchObject({ on_hand: 30, reserved: 30 - released });
    expect(await stockRow(inspector, tea.productId)).toMatchObject({ on_hand: 60, reserved: 30 - released });
    expect(await invariantViolations(inspector)).toEqual([]);
  });

  it('changes nothing when the bus delivers everything again', async () => {
    await untilRelayed(inspector);
    const before = {
      tea: await stockRow(inspector, tea.productId),
      movements: (await inspector.query('SELECT count(*)::int AS n FROM stock_movement'))[0].n,
      outcomes: (await published(inspector, ['StockReserved', 'StockRejected', 'StockReleased'])).length,
    };
    await inventory!.service.stop();
    const [{ position }] = await inspector.query(`SELECT position FROM event_cursor WHERE consumer = 'inventory.orders'`);
    await inspector.query(`UPDATE event_cursor SET position = 0 WHERE consumer = 'inventory.orders'`);
    inventory = await startInventory(url);
    await eventually(async () => (await inspector.query(`SELECT position FROM event_cursor WHERE consumer = 'inventory.orders'`))[0].position === position);

    await untilRelayed(inspector);
    expect(await stockRow(inspector, tea.productId)).toEqual(before.tea);
    expect((await inspector.query('SELECT count(*)::int AS n FROM stock_movement'))[0].n).toBe(before.movements);
    expect(await published(inspector, ['StockReserved', 'StockRejected', 'StockReleased'])).toHaveLength(before.outcomes);
    expect(await recomputeStock(inspector, tea.productId)).toEqual({ onHand: before.tea!.on_hand, reserved: before.tea!.reserved });
  });
});
