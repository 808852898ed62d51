import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import type { NewEvent } from '@distribution/events';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { recomputeStock } from '../src/db/ledger.js';
import {
  CLOSE_ROUND,
  customer,
  invariantViolations,
  lineChange,
  OPEN_ROUND,
  openInspector,
  operator,
  orderCancelled,
  orderPlaced,
  product,
  published,
  settlementApplied,
  manufacturer as manufacturerIdentity,
  startFakeProducer,
  startInventory,
  stockRow,
  supplyChanged,
  untilKnown,
  untilRelayed,
  type FakeProducer,
  type InventoryUnderTest,
  type PublishedEvent,
} from './support/harness.js';

const ROUND = 'query { currentRound { number status closeReason openedAt endsAt closedAt sales { product { id } manufacturerId manufacturer { id } unitsSold revenue } } }';

describe('a distribution round from supply to settlement', () => {
  let inventory: InventoryUnderTest;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const m1 = randomUUID();
  const m2 = randomUUID();
  const a = product(m1, { unitPriceCents: 200 });
  const b = product(m2, { unitPriceCents: 500 });
  const d = product(m2, { unitPriceCents: 900 });
  const e = product(m1, { unitPriceCents: 100 });

  beforeAll(async () => {
    const url = await createTestDatabase('inv_round');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    inventory = await startInventory(url, { roundPeriod: 'P1D' });
    inspector = await openInspector(url);
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  /** Publishes one order event and waits for inventory's answer to it. */
  async function answerTo(event: NewEvent): Promise<PublishedEvent> {
    const { orderId, changeId } = event.payload as { orderId: string; changeId?: string };
    await orders.publish(event);
    return eventually(async () =>
      (await published(inspector, ['StockReserved', 'StockRejected', 'StockReleased'])).find(
        (o) => o.payload.orderId === orderId && (o.payload.changeId ?? null) === (changeId ?? null) && (event.type === 'OrderCancelled') === (o.type === 'StockReleased'),
      ),
    );
  }

  it('keeps supply out of stock until a round opens, and rejects orders meanwhile', async () => {
    await manufacturer.publish(supplyChanged(a, 3, 3, 'CREATED'), supplyChanged(b, 2, 2, 'CREATED'));
    await untilKnown(inspector, [a.productId, b.productId]);
    expect(await stockRow(inspector, a.productId)).toBeUndefined();
    expect((await answerTo(orderPlaced(randomUUID(), [[a.productId, 1]]))).payload).toMatchObject({
      reason: 'NO_OPEN_ROUND',
      lines: [{ productId: a.productId, requested: 1, available: 0 }],
    });
    expect((await inventory.as(operator)(ROUND)).data.currentRound).toBeNull();
  });

  it("pulls every offered product's supply into stock when the round opens", async () => {
    const opened = await inventory.as(operator)(OPEN_ROUND);
    expect(opened.errors).toBeUndefined();
    expect(opened.data.openRound).toMatchObject({ number: 1, status: 'OPEN' });
    const { openedAt, endsAt } = opened.data.openRound;
    expect(new Date(endsAt).getTime() - new Date(openedAt).getTime()).toBe(24 * 3600 * 1000);
    expect(await stockRow(inspector, a.productId)).toMatchObject({ on_hand: 3, reserved: 0, round_number: 1 });
    expect(await stockRow(inspector, b.productId)).toMatchObject({ on_hand: 2, reserved: 0, round_number: 1 });
    const [roundOpened] = await eventually(() => published(inspector, ['RoundOpened']).then((r) => (r.length ? r : null)));
    expect(roundOpened!.payload).toEqual({ roundNumber: 1, openedAt, endsAt });
  });

  it('adds production and new products to stock during the round', async () => {
    await manufacturer.publish(supplyChanged(a, 5, 2, 'PRODUCED'), supplyChanged(d, 1, 1, 'CREATED'));
    await eventually(async () => (await stockRow(inspector, a.productId))?.on_hand === 5 && (await stockRow(inspector, d.productId))?.on_hand === 1);
    expect(await stockRow(inspector, d.productId)).toMatchObject({ reserved: 0, round_number: 1 });
  });

  it('sells out, and closes itself as DEPLETED with the right sales', async () => {
    const o1 = randomUUID();
    const o2 = randomUUID();
    const o3 = randomUUID();
    const o4 = randomUUID();
    expect(
      (
        await answerTo(
          orderPlaced(o1, [
            [a.productId, 2, 200],
            [b.productId, 1, 500],
          ]),
        )
      ).type,
    ).toBe('StockReserved');
    expect((await answerTo(orderPlaced(o3, [[b.productId, 1, 500]]))).type).toBe('StockReserved');
    // B is gone: growing o1's line is refused, and o1 keeps its one unit.
    expect((await answerTo(lineChange(o1, b.productId, 2))).payload).toMatchObject({
      reason: 'INSUFFICIENT_STOCK',
      lines: [{ productId: b.productId, requested: 2, available: 1 }],
    });
    expect((await answerTo(orderCancelled(o3))).payload).toEqual({ orderId: o3, lines: [{ productId: b.productId, quantity: 1 }] });
    expect(
      (
        await answerTo(
          orderPlaced(o2, [
            [d.productId, 1, 900],
            [a.productId, 3, 200],
          ]),
        )
      ).type,
    ).toBe('StockReserved');
    expect((await answerTo(orderPlaced(o4, [[b.productId, 1, 500]]))).type).toBe('StockReserved');

    const [closed] = await eventually(() => published(inspector, ['RoundClosed']).then((r) => (r.length ? r : null)));
    expect(closed!.payload).toMatchObject({ roundNumber: 1, reason: 'DEPLETED' });
    expect(closed!.payload.sales).toEqual(
      [
        { productId: a.productId, manufacturerId: m1, unitsSold: 5, revenueCents: 1000 },
        { productId: b.productId, manufacturerId: m2, unitsSold: 2, revenueCents: 1000 },
        { productId: d.productId, manufacturerId: m2, unitsSold: 1, revenueCents: 900 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1)),
    );
    const round = (await inventory.as(operator)(ROUND)).data.currentRound;
    expect(round).toMatchObject({ number: 1, status: 'CLOSED', closeReason: 'DEPLETED' });
    expect(round.sales.find((s: any) => s.product.id === a.productId)).toEqual({
      product: { id: a.productId },
      manufacturerId: m1,
      manufacturer: { id: m1 },
      unitsSold: 5,
      revenue: '10.00',
    });
    for (const p of [a, b, d]) expect(await stockRow(inspector, p.productId)).toMatchObject({ on_hand: 0, reserved: 0 });
    await untilRelayed(inspector);
    // B ran out twice: sold out, one unit given back by a cancellation, sold out again.
    const depleted = (await published(inspector, ['StockDepleted'])).map((ev) => ev.payload.productId);
    expect(depleted.filter((id) => id === b.productId)).toHaveLength(2);
    expect([...new Set(depleted)].sort()).toEqual([a.productId, b.productId, d.productId].sort());
  });

  it("shows the round's sales to the operator, to each manufacturer its own lines only, and to nobody else", async () => {
    const SALES = 'query { currentRound { number sales { product { id } manufacturerId unitsSold revenue } } }';
    const linesOf = async (who: Parameters<typeof inventory.as>[0]) => (await inventory.as(who)(SALES)).data.currentRound.sales.map((s: any) => s.product.id).sort();
    expect(await linesOf(operator)).toEqual([a.productId, b.productId, d.productId].sort());
    expect(await linesOf(manufacturerIdentity(m1))).toEqual([a.productId]);
    expect(await linesOf(manufacturerIdentity(m2.toUpperCase()))).toEqual([b.productId, d.productId].sort());
    expect(await linesOf(manufacturerIdentity(randomUUID()))).toEqual([]);
    const anonymous = await inventory.as(null)(SALES);
    expect(anonymous.errors?.map((e: any) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data?.currentRound ?? null).toBeNull();
    expect((await inventory.as(customer())(SALES)).errors?.map((e: any) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    // The rest of the round stays public.
    expect((await inventory.as(null)('{ currentRound { number status closeReason } }')).data.currentRound).toEqual({ number: 1, status: 'CLOSED', closeReason: 'DEPLETED' });
  });

  it('rejects orders after the close, and ignores a cancellation of what was sold', async () => {
    expect((await answerTo(orderPlaced(randomUUID(), [[a.productId, 1]]))).payload.reason).toBe('NO_OPEN_ROUND');
    const soldOrder = (await inspector.query(`SELECT order_id FROM reservation WHERE product_id = $1 AND status = 'SOLD' LIMIT 1`, [d.productId]))[0].order_id;
    const movementsBefore = (await inspector.query('SELECT count(*)::int AS n FROM stock_movement'))[0].n;
    await orders.publish(orderCancelled(soldOrder));
    await eventually(async () => (await inspector.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'inventory.orders'`))[0].n === 9);
    await untilRelayed(inspector);
    expect((await published(inspector, ['StockReleased'])).filter((r) => r.payload.orderId === soldOrder)).toEqual([]);
    expect((await inspector.query('SELECT count(*)::int AS n FROM stock_movement'))[0].n).toBe(movementsBefore);
  });

  it('opens the next round only after every manufacturer has settled, settling once however often told', async () => {
    const blocked = await inventory.as(operator)(OPEN_ROUND);
    expect(blocked.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', roundNumber: 1, roundStatus: 'CLOSED' } });
    expect(blocked.errors![0]!.message).toContain('Round 1');

    // Manufacturer 1 settles (its SupplyChanged first, as the manufacturer service does); more production between rounds.
    await manufacturer.publish(supplyChanged(a, 0, -5, 'SETTLED'), settlementApplied(1, m1));
    await manufacturer.publish(supplyChanged(a, 7, 7, 'PRODUCED'), supplyChanged(e, 4, 4, 'CREATED'));
    await untilKnown(inspector, [e.productId]);
    const stillBlocked = await inventory.as(operator)(OPEN_ROUND);
    expect(stillBlocked.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(stillBlocked.errors![0]!.message).toContain(m2);
    expect(stillBlocked.errors![0]!.message).not.toContain(m1);

    const settlementOfM2 = settlementApplied(1, m2);
    await manufacturer.publish(supplyChanged(b, 0, -2, 'SETTLED'), supplyChanged(d, 0, -1, 'SETTLED'), settlementOfM2);
    await manufacturer.publish({ ...settlementOfM2 });
    await eventually(async () => (await inspector.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'inventory.manufacturer'`))[0].n === 12);
    await untilRelayed(inspector);
    const settled = await published(inspector, ['RoundSettled']);
    expect(settled.map((s) => s.payload)).toEqual([{ roundNumber: 1 }]);
    expect((await inventory.as(operator)(ROUND)).data.currentRound.status).toBe('SETTLED');
    // Supply outside a round changed the read model only.
    expect(await stockRow(inspector, a.productId)).toMatchObject({ on_hand: 0 });

    const opened = await inventory.as(operator)(OPEN_ROUND);
    expect(opened.data?.openRound).toMatchObject({ number: 2, status: 'OPEN' });
    // The settled supply (5 sold of 5) plus what was made since: 7, not 5 + 7.
    expect(await stockRow(inspector, a.productId)).toMatchObject({ on_hand: 7, reserved: 0, round_number: 2 });
    expect(await stockRow(inspector, b.productId)).toMatchObject({ on_hand: 0, round_number: 2 });
    expect(await stockRow(inspector, e.productId)).toMatchObject({ on_hand: 4, round_number: 2 });
  });

  it('withdraws the unpromised units of a discontinued product, and the operator closes the round', async () => {
    const o5 = randomUUID();
    expect((await answerTo(orderPlaced(o5, [[e.productId, 1, 100]]))).type).toBe('StockReserved');
    await manufacturer.publish(supplyChanged(e, 4, 0, 'DISCONTINUED', true));
    await eventually(async () => (await stockRow(inspector, e.productId))?.on_hand === 1);
    const closed = await inventory.as(operator)(CLOSE_ROUND);
    expect(closed.errors).toBeUndefined();
    expect(closed.data.closeRound).toMatchObject({
      number: 2,
      status: 'CLOSED',
      closeReason: 'OPERATOR',
      sales: [{ product: { id: e.productId }, manufacturerId: m1, unitsSold: 1, revenue: '1.00' }],
    });
    expect(await stockRow(inspector, e.productId)).toMatchObject({ on_hand: 0, reserved: 0 });
    const again = await inventory.as(operator)(CLOSE_ROUND);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('keeps a ledger that recomputes every stock row', async () => {
    expect(await invariantViolations(inspector)).toEqual([]);
    for (const p of [a, b, d, e]) {
      const row = await stockRow(inspector, p.productId);
      expect(await recomputeStock(inspector, p.productId)).toEqual({ onHand: row!.on_hand, reserved: row!.reserved });
    }
    const page = await inventory.as(operator)(
      'query($id: ID!, $after: String) { stockMovements(productId: $id, first: 3, after: $after) { edges { node { kind quantity roundNumber orderId product { id } } } pageInfo { hasNextPage endCursor } } }',
      { id: a.productId },
    );
    expect(page.data.stockMovements.edges.map((edge: any) => [edge.node.kind, edge.node.quantity, edge.node.roundNumber])).toEqual([
      ['ROUND_OPENED_SUPPLY', 3, 1],
      ['SUPPLY_IN', 2, 1],
      ['RESERVE', 2, 1],
    ]);
    expect(page.data.stockMovements.pageInfo.hasNextPage).toBe(true);
    const rest = await inventory.as(operator)(
      'query($id: ID!, $after: String) { stockMovements(productId: $id, after: $after) { edges { node { kind quantity } } pageInfo { hasNextPage } } }',
      { id: a.productId, after: page.data.stockMovements.pageInfo.endCursor },
    );
    const rows = rest.data.stockMovements.edges.map((edge: any) => edge.node);
    expect(rows.map((m: any) => m.kind)).toEqual(['RESERVE', 'SALE', 'SALE', 'ROUND_OPENED_SUPPLY']);
    expect([rows[0].quantity, rows[3].quantity]).toEqual([3, 7]);
    expect([rows[1].quantity, rows[2].quantity].sort()).toEqual([2, 3]);
    expect(rest.data.stockMovements.pageInfo.hasNextPage).toBe(false);
  });
});
