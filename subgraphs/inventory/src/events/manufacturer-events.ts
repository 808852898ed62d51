/**
 * Consumer `inventory.manufacturer`: SupplyChanged and SettlementApplied in ONE consumer, so
 * their order is kept (a settlement's SupplyChanged is applied before its SettlementApplied).
 * SupplyChanged keeps the product read model; during an open round new production enters stock
 * at once. SettlementApplied marks a manufacturer settled; the last one settles the round.
 */
import { EventType } from '@distribution/contracts';
import { recordEvents, type DomainEvent, type EventTransport, type NewEvent } from '@distribution/events';
import { sqlOf, type Sql } from '@distribution/db';
import { applySupplyChanges, latestFacts, movesStock } from '../domain/supply.js';
import { holdStockWriterLock } from '../db/locks.js';
import { saveProductFacts } from '../db/products.js';
import { markManufacturerSettled, openRound, settleRoundIfComplete } from '../db/rounds.js';
import { lockStock, upsertStock } from '../db/stock.js';
import { recordMovements } from '../db/ledger.js';
import { retryOnConflict } from '../db/retry.js';
import type { InventoryDeps } from '../settings.js';
import { readSupplyChanged, roundSettled } from './payloads.js';
import { stockChangeEvents } from './stock-events.js';
import { announceLive } from '../live/announce.js';

export const MANUFACTURER_CONSUMER = 'inventory.manufacturer';
const MANUFACTURER_FACTS = { [EventType.SupplyChanged]: [1], [EventType.SettlementApplied]: [1] } as const;

export function registerManufacturerConsumer(bus: EventTransport, deps: InventoryDeps): void {
  bus.consume(MANUFACTURER_CONSUMER, MANUFACTURER_FACTS, (events, manager) => {
    const sql = sqlOf(manager);
    return retryOnConflict(sql, deps.logger, 'supply batch', () => applyManufacturerBatch(sql, events, deps));
  });
}

export async function applyManufacturerBatch(sql: Sql, events: Array<DomainEvent<keyof typeof MANUFACTURER_FACTS>>, deps: InventoryDeps): Promise<void> {
  const supplyChanges = events.flatMap((e) => (e.type === EventType.SupplyChanged ? [readSupplyChanged(e.payload)] : []));
  const settlements = events.flatMap((e) => (e.type === EventType.SettlementApplied ? [e.payload] : []));
  const announcements: NewEvent[] = [];

  await holdStockWriterLock(sql);
  await saveProductFacts(
    sql,
    latestFacts(supplyChanges).sort((a, b) => (a.productId < b.productId ? -1 : 1)),
  );
  const round = await openRound(sql);
  if (round) {
    const touched = [...new Set(supplyChanges.filter(movesStock).map((c) => c.productId))].sort();
    const stock = await lockStock(sql, touched, deps.defaultThreshold);
    const { changes, movements } = applySupplyChanges({ roundNumber: round.number, stock, defaultThreshold: deps.defaultThreshold }, supplyChanges);
    await upsertStock(
      sql,
      changes.map((c) => c.after),
    );
    await recordMovements(sql, movements);
    announcements.push(...stockChangeEvents(changes));
  }

  const settledRounds = new Set<number>();
  for (const s of settlements) {
    if (await markManufacturerSettled(sql, s.roundNumber, s.manufacturerId, s.settlementId)) settledRounds.add(s.roundNumber);
    else deps.logger.info(s, 'settlement not awaited (already applied, or that manufacturer sold nothing in the round); ignored');
  }
  for (const roundNumber of settledRounds) {
    if (await settleRoundIfComplete(sql, roundNumber)) {
      announcements.push(roundSettled(roundNumber));
      deps.logger.info({ roundNumber }, 'round settled');
    }
  }
  await recordEvents(sql, deps.schema, announcements);
  await announceLive(sql, announcements);
}
