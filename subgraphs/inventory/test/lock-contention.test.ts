/**
 * The stock locks under real contention. In the running service one consumer applies reservation
 * batches one at a time, so the end-to-end oversell tests would pass without any row lock; here
 * many transactions run the batch code itself at once on one hot product, with production and an
 * operator's close racing them, as they will when consumers share work across replicas.
 * TESTING.md lists the protection each test stands for.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openServiceDatabase, sqlOf, type ServiceDatabase } from '@distribution/db';
import type { DomainEvent } from '@distribution/events';
import { createTestDatabase } from '@distribution/testkit';
import { applyReservationBatch } from '../src/events/order-events.js';
import { applyManufacturerBatch } from '../src/events/manufacturer-events.js';
import { closeRoundByOperator, closeRoundIfDepleted } from '../src/rounds/close-round.js';
import { openNextRound } from '../src/rounds/open-round.js';
import { recomputeStock } from '../src/db/ledger.js';
import { migrations } from '../src/db/migrations/index.js';
import { entities } from '../src/db/entities/index.js';
import { checkOptions, type InventoryDeps } from '../src/settings.js';
import type { ReservationRequest } from '../src/domain/reservation.js';
import { invariantViolations, product, quietLogger, supplyChanged } from './support/harness.js';

const WRITERS = 24;

describe('stock writers racing on one hot product', () => {
  // No running service: its round watch would close the round whenever it runs out, at a moment
  // the test does not choose. Here the test runs every writer itself, the closers included.
  let inspector: ServiceDatabase;
  /** A pool of its own, wide enough for every racing transaction to hold a connection at once. */
  let writers: ServiceDatabase;
  const deps: InventoryDeps = { ...checkOptions({ roundPeriod: 'PT1H' }), logger: quietLogger() };
  const hot = product();

  beforeAll(async () => {
    const url = await createTestDatabase('inv_contention');
    writers = await openServiceDatabase({ url, schema: 'inventory', migrations, entities, poolSize: WRITERS + 4 });
    await migrate(writers);
    inspector = await openServiceDatabase({ url, schema: 'inventory', migrations: [] });
    await writers.transaction((m) => applyManufacturerBatch(sqlOf(m), [delivered(supplyChanged(hot, 60, 60, 'CREATED'))], deps));
    await openNextRound(writers, deps);
  });
  afterAll(async () => {
    await Promise.all([inspector?.close(), writers?.close()]);
  });

  /** A contract event in the envelope the bus would hand to the consumer. */
  const delivered = (event: ReturnType<typeof supplyChanged>): DomainEvent<'SupplyChanged'> => ({
    id: randomUUID(),
    type: event.type,
    version: event.version,
    payload: event.payload,
    source: 'manufacturer',
    occurredAt: new Date().toISOString(),
    position: 0,
  });
  const place = (quantity: number): ReservationRequest => ({
    kind: 'PLACE',
    orderId: randomUUID(),
    lines: [{ productId: hot.productId, quantity, unitPriceCents: 250 }],
  });
  const reservationBatch = (requests: ReservationRequest[]) => writers.transaction((m) => applyReservationBatch(sqlOf(m), requests, deps));
  const productionBatch = (units: number, supplyAfter: number) =>
    writers.transaction((m) => applyManufacturerBatch(sqlOf(m), [delivered(supplyChanged(hot, supplyAfter, units, 'PRODUCED'))], deps));

  async function units(kind: string): Promise<number> {
    const [{ n }] = await inspector.query(`SELECT coalesce(sum(quantity), 0)::int AS n FROM stock_movement WHERE product_id = $1 AND kind = $2`, [hot.productId, kind]);
    return n;
  }

  it('never sells a unit twice nor loses a reservation while batches, production and a close race (row lock, round lock)', async () => {
    // Wave one: WRITERS batches of 3 orders for 1–3 units each (144 units asked of 60 + 40 produced):
    // the product runs out under contention.
    const wave = (n: number) => Array.from({ length: n }, (_, i) => reservationBatch([place(1 + (i % 3)), place(2), place(1 + ((i + 1) % 3))]));
    let supply = 60;
    const production = Array.from({ length: 8 }, () => productionBatch(5, (supply += 5)));
    await Promise.all([...wave(WRITERS), ...production]);

    // Mid-round: every unit reserved is held by a reservation, and no more than is on hand.
    expect(await invariantViolations(inspector)).toEqual([]);
    const [mid] = await inspector.query('SELECT on_hand, reserved FROM stock_item WHERE product_id = $1', [hot.productId]);
    expect(mid.on_hand).toBe(100);
    const [{ placed }] = await inspector.query(`SELECT count(*)::int AS placed FROM stock_movement WHERE kind = 'RESERVE'`);
    expect(placed).toBeLessThan(WRITERS * 3); // some orders found too little left
    expect(mid.reserved).toBe(await units('RESERVE'));
    expect(await recomputeStock(inspector, hot.productId)).toEqual({ onHand: mid.on_hand, reserved: mid.reserved });

    // Wave two with more production; the round watch (depletion) and the operator both try to close
    // it in the middle of the wave. Exactly one of them closes round 1.
    const [byOperator, byDepletion] = await Promise.allSettled([
      closeRoundByOperator(writers, deps),
      closeRoundIfDepleted(writers, deps),
      ...wave(WRITERS),
      ...Array.from({ length: 4 }, () => productionBatch(5, (supply += 5))),
    ]);
    const closes = [byOperator, byDepletion].filter((c) => c!.status === 'fulfilled' && c.value !== null);
    expect(closes).toHaveLength(1);
    expect(await inspector.query(`SELECT number, status FROM distribution_round`)).toEqual([{ number: 1, status: expect.stringMatching(/CLOSED|SETTLED/) }]);

    // After the close nothing is promised any more, and what was sold is exactly what was reserved
    // before the close: a batch that read the open round before the close must not reserve in it after.
    expect(await invariantViolations(inspector)).toEqual([]);
    const [after] = await inspector.query('SELECT on_hand, reserved FROM stock_item WHERE product_id = $1', [hot.productId]);
    expect(after.reserved).toBe(0);
    const stillHeld = await inspector.query(`SELECT order_id FROM reservation WHERE status = 'RESERVED' AND round_number = 1`);
    expect(stillHeld).toEqual([]);
    expect(await units('SALE')).toBe(await units('RESERVE'));
    expect(await units('SALE')).toBeLessThanOrEqual(supply);
    expect(await recomputeStock(inspector, hot.productId)).toEqual({ onHand: after.on_hand, reserved: 0 });
  });
});
