/**
 * Opening a round: supply enters stock, but only once every settlement of the last round is applied.
 * Two ways in: the operator, and the schedule (by the round watch).
 */
import { sqlOf, type ServiceDatabase, type Sql } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import { conflict } from '@distribution/errors';
import { nextRoundNumber, openingBlocker, openingStock, type RoundState } from '../domain/rounds.js';
import { openingDue, roundEnd } from '../domain/round-schedule.js';
import { holdRoundTransitionLock } from '../db/locks.js';
import { insertRound, latestRoundState } from '../db/rounds.js';
import type { Round } from '../db/records.js';
import { latestRoundAndClock } from '../db/round-schedule.js';
import { lockAllStock, upsertStock } from '../db/stock.js';
import { productsOnOffer } from '../db/products.js';
import { recordMovements } from '../db/ledger.js';
import { roundOpened } from '../events/payloads.js';
import { stockChangeEvents } from '../events/stock-events.js';
import { announceLive } from '../live/announce.js';
import type { InventoryDeps } from '../settings.js';

/** Opens round N+1 (CONFLICT naming the round that blocks it otherwise). */
export async function openNextRound(database: ServiceDatabase, deps: InventoryDeps): Promise<Round> {
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    await holdRoundTransitionLock(sql);
    const latest = await latestRoundState(sql);
    const blocker = openingBlocker(latest);
    if (blocker) throw conflict(blocker, { roundNumber: latest!.number, roundStatus: latest!.status });
    const [{ now }] = await sql.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return openRoundNow(sql, latest, now, deps);
  });
}

/**
 * Opens the next round when the schedule says its time has come and the last round is settled;
 * null otherwise. Every replica's round watch asks; the exclusive round lock and the check made
 * again under it let exactly one of them open it.
 */
export async function openRoundIfScheduled(database: ServiceDatabase, deps: InventoryDeps): Promise<Round | null> {
  if (deps.roundSchedule.kind === 'MANUAL') return null;
  // A plain read first, with the database's clock (every replica agrees on it): usually not due.
  const seen = await latestRoundAndClock(database);
  if (!openingDue(deps.roundSchedule, seen.latest, seen.now)) return null;
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    await holdRoundTransitionLock(sql);
    const { latest, now } = await latestRoundAndClock(sql);
    if (!openingDue(deps.roundSchedule, latest, now)) return null; // another replica opened it meanwhile
    const round = await openRoundNow(sql, { number: latest!.number, status: latest!.status }, now, deps);
    deps.logger.info({ roundNumber: round.number }, 'round opened by the schedule');
    return round;
  });
}

/** Opens the round after `latest` at `now`, in the caller's transaction, which holds the exclusive round lock. */
async function openRoundNow(sql: Sql, latest: RoundState | null, now: Date, deps: InventoryDeps): Promise<Round> {
  const number = nextRoundNumber(latest);
  const endsAt = roundEnd(now, deps.roundPeriod, deps.roundSchedule);
  const round = await insertRound(sql, number, now, endsAt);
  const stock = await lockAllStock(sql, deps.defaultThreshold);
  const offered = await productsOnOffer(sql);
  const { changes, movements } = openingStock({ roundNumber: number, stock, offered, defaultThreshold: deps.defaultThreshold });
  await upsertStock(
    sql,
    changes.map((c) => c.after),
  );
  await recordMovements(sql, movements);
  const events = [roundOpened(number, now, endsAt), ...stockChangeEvents(changes)];
  await recordEvents(sql, deps.schema, events);
  await announceLive(sql, events);
  deps.logger.info({ roundNumber: number, endsAt, products: offered.length }, 'round opened');
  return round;
}
