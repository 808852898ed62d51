import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import type { NewEvent } from '@distribution/events';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { recomputeStock } from '../src/db/ledger.js';
import {
  capturingLogger,
  CLOSE_ROUND,
  invariantViolations,
  lineChange,
  OPEN_ROUND,
  openInspector,
  operator,
  orderCancelled,
  orderPlaced,
  product,
  published,
  startFakeProducer,
  startInventory,
  supplyChanged,
  untilKnown,
  untilOutcomes,
  untilRelayed,
  type FakeProducer,
  type InventoryUnderTest,
} from './support/harness.js';

describe('racing writers of stock', () => {
  const replicaLogs = [capturingLogger(), capturingLogger()];
  let replicas: InventoryUnderTest[];
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const m1 = randomUUID();
  const m2 = randomUUID();
  const products = [product(m1), product(m1), product(m2), product(m2)];
  const ids = products.map((p) => p.productId);

  beforeAll(async () => {
    const url = await createTestDatabase('inv_races');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    // Two replicas on one database, with small batches: many transactions competing for the same rows.
    replicas = [];
    for (const { logger } of replicaLogs) replicas.push(await startInventory(url, { logger, eventBatchSize: 8 }));
    inspector = await openInspector(url);
    await manufacturer.publish(...products.map((p) => supplyChanged(p, 40, 40, 'CREATED')));
    await untilKnown(inspector, ids);
    expect((await replicas[0]!.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
  });
  afterAll(async () => {
    await Promise.all(replicas?.map((r) => r.service.stop()) ?? []);
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  it('never deadlocks, and keeps every order all-or-nothing, while orders, production and two closers race', async () => {
    // 40 producer transactions of 4 orders each; lines name overlapping products in opposite orders.
    const placed = new Map<string, Array<[string, number]>>();
    const changes: string[] = [];
    const orderTransactions: NewEvent[][] = Array.from({ length: 40 }, (_, t) => {
      const events: NewEvent[] = [];
      for (let k = 0; k < 4; k++) {
        const i = t * 4 + k;
        const pair = [ids[i % 4]!, ids[(i + 1) % 4]!];
        const lines: Array<[string, number]> = (i % 2 ? pair.reverse() : pair).map((id) => [id, 1 + (i % 2)]);
        if (i % 5 === 0) lines.push([ids[(i + 3) % 4]!, 1]);
        const orderId = randomUUID();
        placed.set(orderId, lines);
        events.push(orderPlaced(orderId, lines));
      }
      const [first, second] = [...placed.keys()].slice(-4);
      if (t % 3 === 0) events.push(orderCancelled(first!));
      if (t % 4 === 0) {
        const changeId = randomUUID();
        changes.push(changeId);
        events.push(lineChange(second!, placed.get(second!)![0]![0], 3, changeId));
      }
      return events;
    });
    // Production of every product, in ascending and descending product order, from 20 transactions.
    let supplied = 40;
    const supplyTransactions: NewEvent[][] = Array.from({ length: 20 }, (_, t) => {
      const order = t % 2 ? [...products].reverse() : products;
      return order.map((p) => supplyChanged(p, ++supplied, 1 + (t % 3), 'PRODUCED'));
    });

    // Wave one; once some of it is reserved, both replicas close while wave two and more production arrive.
    const publishAll = (orderTxs: NewEvent[][], supplyTxs: NewEvent[][]) =>
      Promise.all([...orderTxs.map((e) => orders.publish(...e)), ...supplyTxs.map((e) => manufacturer.publish(...e))]);
    await publishAll(orderTransactions.slice(0, 20), supplyTransactions.slice(0, 10));
    await eventually(async () => (await published(inspector, ['StockReserved'])).length >= 20, { intervalMs: 5 });
    const [closes] = await Promise.all([Promise.all(replicas.map((r) => r.as(operator)(CLOSE_ROUND))), publishAll(orderTransactions.slice(20), supplyTransactions.slice(10))]);

    // Both closers asked at once: one closed the round, the other was told there is none open.
    const closed = closes.filter((c) => !c.errors);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.data.closeRound).toMatchObject({ number: 1, closeReason: 'OPERATOR' });
    expect(closes.filter((c) => c.errors).map((c) => c.errors![0]!.extensions?.code)).toEqual(['CONFLICT']);

    const outcomes = await untilOutcomes(inspector, placed.size + changes.length);
    await eventually(async () => (await inspector.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'inventory.manufacturer'`))[0].n === products.length + 80);

    // Nothing went wrong quietly: no deadlock retried, no batch failed, nothing parked.
    expect(replicaLogs.flatMap((l) => l.problems())).toEqual([]);
    expect(await inspector.query('SELECT * FROM parked_event')).toEqual([]);

    // One outcome per order and per change.
    const placements = outcomes.filter((o) => o.payload.changeId === null);
    expect(placements.map((o) => o.payload.orderId).sort()).toEqual([...placed.keys()].sort());
    expect(
      outcomes
        .filter((o) => o.payload.changeId !== null)
        .map((o) => o.payload.changeId)
        .sort(),
    ).toEqual([...changes].sort());

    // All or nothing: a reserved order took every line, a rejected one took nothing at all.
    const taken = await inspector.query(`SELECT order_id, product_id, quantity FROM stock_movement WHERE kind = 'RESERVE' ORDER BY id`);
    for (const outcome of placements) {
      const lines = placed.get(outcome.payload.orderId)!;
      const mine = taken.filter((m: any) => m.order_id === outcome.payload.orderId);
      if (outcome.type === 'StockRejected') expect(mine).toEqual([]);
      else expect(mine.slice(0, lines.length).map((m: any) => [m.product_id, m.quantity])).toEqual(lines);
    }
    expect(placements.some((o) => o.type === 'StockReserved')).toBe(true);
    // Orders that arrived after the close found no open round.
    expect(placements.some((o) => o.type === 'StockRejected' && o.payload.reason === 'NO_OPEN_ROUND')).toBe(true);

    // What the round says it sold is what the ledger sold, and nothing is left promised.
    await untilRelayed(inspector);
    const [roundClosed, ...again] = await published(inspector, ['RoundClosed']);
    expect(again).toEqual([]);
    const sold = await inspector.query(`SELECT product_id, sum(quantity)::int AS units FROM stock_movement WHERE kind = 'SALE' AND round_number = 1 GROUP BY product_id`);
    expect(Object.fromEntries(roundClosed!.payload.sales.map((s: any) => [s.productId, s.unitsSold]))).toEqual(Object.fromEntries(sold.map((s: any) => [s.product_id, s.units])));
    expect(await invariantViolations(inspector)).toEqual([]);
    for (const id of ids) {
      const [row] = await inspector.query('SELECT on_hand, reserved FROM stock_item WHERE product_id = $1', [id]);
      expect(row.reserved).toBe(0);
      expect(await recomputeStock(inspector, id)).toEqual({ onHand: row.on_hand, reserved: 0 });
    }
  });
});
