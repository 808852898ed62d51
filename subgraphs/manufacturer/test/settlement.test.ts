import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate, openServiceDatabase, type ServiceDatabase } from '@distribution/db';
import { EventType, parseEvent, roundClosed, type RoundClosedV1 } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents } from '@distribution/events';
import { createLogger } from '@distribution/logging';
import { eventually } from '@distribution/testkit';
import { applyRoundClosed, SETTLEMENT_CONSUMER } from '../src/events/round-closed.js';
import { OPERATOR, manufacturerUser, startHarness, type Harness } from './support.js';

/** Plays the inventory service: RoundClosed events written to its outbox and relayed by its own bus. */
async function startFakeInventory(url: string) {
  const database = await openServiceDatabase({ url, schema: 'inventory_fake', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
  await migrate(database);
  const bus = new EventBus({ database, logger: createLogger('inventory-fake', 'silent'), pollIntervalMs: 50 });
  await bus.start();
  return {
    database,
    closeRound: (roundNumber: number, sales: RoundClosedV1['sales']) =>
      database.transaction((m) => recordEvents(m, 'inventory_fake', [roundClosed({ roundNumber, closedAt: new Date().toISOString(), reason: 'OPERATOR', sales })])),
    stop: async () => {
      await bus.stop();
      await database.close();
    },
  };
}

describe('settling closed rounds', () => {
  let h: Harness;
  let inventory: Awaited<ReturnType<typeof startFakeInventory>>;
  let acme: string;
  let globex: string;
  let drill: string;
  let saw: string;
  let widget: string;

  beforeAll(async () => {
    h = await startHarness('mfr_settlement');
    inventory = await startFakeInventory(h.databaseUrl);
    acme = await h.registerManufacturer('Acme');
    globex = await h.registerManufacturer('Globex');
    drill = (await h.createProduct({ manufacturerId: acme, sku: 'DR', name: 'Drill', unitPrice: '10.00', initialSupply: 10 })).id;
    saw = (await h.createProduct({ manufacturerId: acme, sku: 'SAW', name: 'Saw', unitPrice: '10.00', initialSupply: 5 })).id;
    widget = (await h.createProduct({ manufacturerId: globex, sku: 'WID', name: 'Widget', unitPrice: '2.00', initialSupply: 8 })).id;
  });
  afterAll(async () => {
    await inventory?.stop();
    await h?.stop();
  });

  const db = () => h.service.database as ServiceDatabase;
  const supplies = async () => Object.fromEntries((await db().query('SELECT id, supply FROM product')).map((r: any) => [r.id, r.supply]));
  const settlementsOf = async (round: number) =>
    db().query('SELECT manufacturer_id, units_sold::int, revenue_cents::int FROM settlement WHERE round_number = $1 ORDER BY manufacturer_id', [round]);

  /** Waits until the settlement consumer has gone past every RoundClosed published so far. */
  async function allRoundsConsumed() {
    await eventually(async () => {
      const [{ pending }] = await inventory.database.query('SELECT count(*)::int AS pending FROM outbox');
      if (pending > 0) return false;
      const [{ done }] = await db().query(
        `SELECT coalesce((SELECT position FROM event_cursor WHERE consumer = $1), 0) >= (SELECT max(position) FROM bus.events WHERE type = 'RoundClosed') AS done`,
        [SETTLEMENT_CONSUMER],
      );
      return done;
    });
  }

  it('books a round once per manufacturer: settlement, lower supply, SupplyChanged SETTLED per product, then SettlementApplied', async () => {
    await inventory.closeRound(1, [
      { productId: drill, manufacturerId: acme, unitsSold: 3, revenueCents: 3000 },
      { productId: widget, manufacturerId: globex, unitsSold: 2, revenueCents: 400 },
      { productId: saw, manufacturerId: acme, unitsSold: 5, revenueCents: 5000 },
    ]);
    await allRoundsConsumed();

    expect(await supplies()).toEqual({ [drill]: 7, [saw]: 0, [widget]: 6 });
    expect(await settlementsOf(1)).toEqual(
      [
        { manufacturer_id: acme, units_sold: 8, revenue_cents: 8000 },
        { manufacturer_id: globex, units_sold: 2, revenue_cents: 400 },
      ].sort((a, b) => a.manufacturer_id.localeCompare(b.manufacturer_id)),
    );

    const events = (await h.publishedEvents()).filter((e) => e.type === 'SettlementApplied' || e.payload.reason === 'SETTLED');
    const acmeEvents = events.filter((e) => e.payload.manufacturerId === acme);
    expect(acmeEvents.map((e) => [e.type, e.payload.productId ?? null])).toEqual([
      ['SupplyChanged', [drill, saw].sort()[0]],
      ['SupplyChanged', [drill, saw].sort()[1]],
      ['SettlementApplied', null],
    ]);
    expect(acmeEvents.find((e) => e.payload.productId === drill)!.payload).toEqual({
      productId: drill,
      manufacturerId: acme,
      sku: 'DR',
      name: 'Drill',
      category: 'Tools',
      unitPriceCents: 1000,
      supply: 7,
      delta: -3,
      reason: 'SETTLED',
      discontinued: false,
    });
    const [{ id: acmeSettlement }] = await db().query('SELECT id FROM settlement WHERE round_number = 1 AND manufacturer_id = $1', [acme]);
    expect(acmeEvents.at(-1)!.payload).toEqual({
      roundNumber: 1,
      manufacturerId: acme,
      settlementId: acmeSettlement,
      lines: [
        { productId: drill, unitsSold: 3, revenueCents: 3000 },
        { productId: saw, unitsSold: 5, revenueCents: 5000 },
      ].sort((a, b) => a.productId.localeCompare(b.productId)),
    });
    expect(
      events
        .filter((e) => e.type === 'SettlementApplied')
        .map((e) => e.payload.manufacturerId)
        .sort(),
    ).toEqual([acme, globex].sort());
  });

  it('applies the same RoundClosed delivered twice only once', async () => {
    const sales = [{ productId: drill, manufacturerId: acme, unitsSold: 2, revenueCents: 2000 }];
    await inventory.closeRound(2, sales);
    await inventory.closeRound(2, sales);
    await allRoundsConsumed();
    const [{ count }] = await db().query(`SELECT count(*)::int AS count FROM bus.events WHERE type = 'RoundClosed' AND (payload->>'roundNumber')::int = 2`);
    expect(count).toBe(2);

    expect((await supplies())[drill]).toBe(5);
    expect(await settlementsOf(2)).toEqual([{ manufacturer_id: acme, units_sold: 2, revenue_cents: 2000 }]);
    const applied = (await h.publishedEvents('SettlementApplied')).filter((e) => e.payload.roundNumber === 2);
    expect(applied).toHaveLength(1);
    // The repeat was recognised, not failed and parked.
    expect(await db().query('SELECT event_id FROM parked_event')).toEqual([]);
  });

  it('changes nothing when the handler runs again on an event it already applied', async () => {
    const [row] = await db().query(`SELECT * FROM bus.events WHERE type = 'RoundClosed' ORDER BY position LIMIT 1`);
    const event = parseEvent(
      { id: row.event_id, type: row.type, version: row.version, source: row.source, payload: row.payload, occurredAt: row.occurred_at, position: Number(row.position) },
      { [EventType.RoundClosed]: [1] },
    );
    const before = await h.snapshot();
    await db().transaction((m) => applyRoundClosed([event], m, { schema: 'manufacturer', logger: h.service.logger }));
    expect(await h.snapshot()).toEqual(before);
  });

  it('shows a manufacturer its settlements, newest round first, page by page', async () => {
    const query = `query($id: ID!, $after: String) { manufacturer(id: $id) { settlements(first: 1, after: $after) {
      edges { node { roundNumber unitsSold revenue appliedAt manufacturer { name } lines { product { sku } unitsSold revenue } } }
      pageInfo { hasNextPage endCursor } } } }`;
    const first = await h.send(manufacturerUser(acme), query, { id: acme });
    expect(first.errors).toBeUndefined();
    const page1 = first.data.manufacturer.settlements;
    expect(page1.edges.map((e: any) => e.node)).toEqual([
      {
        roundNumber: 2,
        unitsSold: 2,
        revenue: '20.00',
        appliedAt: expect.any(String),
        manufacturer: { name: 'Acme' },
        lines: [{ product: { sku: 'DR' }, unitsSold: 2, revenue: '20.00' }],
      },
    ]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await h.send(OPERATOR, query, { id: acme, after: page1.pageInfo.endCursor });
    const page2 = second.data.manufacturer.settlements;
    expect(page2.edges.map((e: any) => [e.node.roundNumber, e.node.revenue, e.node.lines.map((l: any) => l.product.sku).sort()])).toEqual([[1, '80.00', ['DR', 'SAW']]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('clamps supply at zero and warns with the figures when a round sold more than the supply', async () => {
    const warn = vi.spyOn(h.service.logger, 'warn');
    try {
      await inventory.closeRound(3, [{ productId: widget, manufacturerId: globex, unitsSold: 9, revenueCents: 1800 }]);
      await allRoundsConsumed();
      expect((await supplies())[widget]).toBe(0);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ roundNumber: 3, productId: widget, supplyBefore: 6, unitsSold: 9, shortfall: 3 }),
        expect.stringContaining('clamped'),
      );
      const settled = (await h.publishedEvents('SupplyChanged')).filter((e) => e.payload.reason === 'SETTLED' && e.payload.productId === widget);
      expect(settled.at(-1)!.payload).toMatchObject({ supply: 0, delta: -6 });
      const [{ sum }] = await db().query('SELECT sum(delta)::int AS sum FROM supply_movement WHERE product_id = $1', [widget]);
      expect(sum).toBe(0);
    } finally {
      warn.mockRestore();
    }
  });

  it('books nothing of a round that names a product of another manufacturer, and parks it', async () => {
    const before = await supplies();
    await inventory.closeRound(4, [
      { productId: drill, manufacturerId: acme, unitsSold: 1, revenueCents: 1000 },
      { productId: widget, manufacturerId: acme, unitsSold: 1, revenueCents: 200 },
    ]);
    await eventually(async () => (await db().query('SELECT 1 FROM parked_event WHERE consumer = $1', [SETTLEMENT_CONSUMER])).length === 1, { timeoutMs: 15_000 });
    expect(await settlementsOf(4)).toEqual([]);
    expect(await supplies()).toEqual(before);
    expect((await h.publishedEvents('SettlementApplied')).filter((e) => e.payload.roundNumber === 4)).toEqual([]);
  });
});
