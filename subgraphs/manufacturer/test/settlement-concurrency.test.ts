/**
 * One RoundClosed applied by several settlement consumers at the same moment, as replicas of the
 * manufacturer service sharing one database would (or a redelivery racing the first delivery).
 * The settlement tests next door deliver duplicates one after another; here they run at once, in
 * transactions of their own, and only `settlement_once_per_round` keeps the round booked once.
 * TESTING.md lists the protection each test stands for.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase, type ServiceDatabase } from '@distribution/db';
import { roundClosed, type RoundClosedV1 } from '@distribution/contracts';
import type { DomainEvent } from '@distribution/events';
import { applyRoundClosed } from '../src/events/round-closed.js';
import { entities } from '../src/db/entities/index.js';
import { startHarness, type Harness } from './support.js';

const REPLICAS = 6;

describe('settling one closed round from several consumers at once', () => {
  let h: Harness;
  /** A pool of its own, wide enough for every racing transaction to hold a connection at once. */
  let replicas: ServiceDatabase;
  let acme: string;
  let globex: string;
  let drill: string;
  let widget: string;

  beforeAll(async () => {
    h = await startHarness('mfr_settlement_race');
    replicas = await openServiceDatabase({ url: h.databaseUrl, schema: 'manufacturer', migrations: [], entities, poolSize: REPLICAS + 2 });
    acme = await h.registerManufacturer('Acme');
    globex = await h.registerManufacturer('Globex');
    drill = (await h.createProduct({ manufacturerId: acme, sku: 'DR', name: 'Drill', unitPrice: '10.00', initialSupply: 40 })).id;
    widget = (await h.createProduct({ manufacturerId: globex, sku: 'WID', name: 'Widget', unitPrice: '2.00', initialSupply: 30 })).id;
  });
  afterAll(async () => {
    await replicas?.close();
    await h?.stop();
  });

  /** The RoundClosed as the bus hands it to a consumer; never published, so the service's own consumer does not see it. */
  const delivered = (payload: RoundClosedV1): DomainEvent<'RoundClosed'> => {
    const event = roundClosed(payload);
    return { id: randomUUID(), type: event.type, version: event.version, payload: event.payload, source: 'inventory', occurredAt: new Date().toISOString(), position: 0 };
  };
  const applyAtOnce = (event: DomainEvent<'RoundClosed'>) =>
    Promise.allSettled(Array.from({ length: REPLICAS }, () => replicas.transaction((m) => applyRoundClosed([event], m, { schema: 'manufacturer', logger: h.service.logger }))));

  it(`books a round once per manufacturer when ${REPLICAS} consumers apply the same RoundClosed concurrently`, async () => {
    const round = 41;
    const event = delivered({
      roundNumber: round,
      closedAt: new Date().toISOString(),
      reason: 'OPERATOR',
      sales: [
        { productId: drill, manufacturerId: acme, unitsSold: 7, revenueCents: 7000 },
        { productId: widget, manufacturerId: globex, unitsSold: 4, revenueCents: 800 },
      ],
    });
    const outcomes = await applyAtOnce(event);
    // A repeat is recognised and ignored, never failed: every replica's transaction commits.
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);

    const db = h.service.database;
    expect(await db.query('SELECT manufacturer_id, units_sold::int FROM settlement WHERE round_number = $1 ORDER BY units_sold', [round])).toEqual([
      { manufacturer_id: globex, units_sold: 4 },
      { manufacturer_id: acme, units_sold: 7 },
    ]);
    expect(await db.query('SELECT count(*)::int AS lines FROM settlement_line l JOIN settlement s ON s.id = l.settlement_id WHERE s.round_number = $1', [round])).toEqual([
      { lines: 2 },
    ]);
    // Supply goes down by the units sold, once.
    const supply = Object.fromEntries((await db.query('SELECT id, supply FROM product')).map((r: { id: string; supply: number }) => [r.id, r.supply]));
    expect(supply).toEqual({ [drill]: 33, [widget]: 26 });
    const settledMovements = await db.query(`SELECT product_id, delta FROM supply_movement WHERE reason = 'SETTLED' AND round_number = $1 ORDER BY delta`, [round]);
    expect(settledMovements).toEqual([
      { product_id: drill, delta: -7 },
      { product_id: widget, delta: -4 },
    ]);
    // One announcement per manufacturer, whichever replica won.
    const applied = (await h.publishedEvents('SettlementApplied')).filter((e) => e.payload.roundNumber === round);
    expect(applied.map((e) => e.payload.manufacturerId).sort()).toEqual([acme, globex].sort());
  });
});
