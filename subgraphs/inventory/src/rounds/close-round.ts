/**
 * Closing a round: every promised unit is sold, the round records what each manufacturer sold,
 * and RoundClosed asks them to settle. Three ways in: the operator, the period ending and
 * depletion (both by the round watch).
 */
import { sqlOf, type ServiceDatabase, type Sql } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import { conflict } from '@distribution/errors';
import { closingStock, manufacturersToSettle, salesOf, type RoundCloseReason } from '../domain/rounds.js';
import type { StockRow } from '../domain/stock.js';
import { holdRoundTransitionLock } from '../db/locks.js';
import { lockOpenRound, openRound, recordRoundClosed, roundPastItsEnd } from '../db/rounds.js';
import type { Round } from '../db/records.js';
import { lockPromisedStock, roundIsDepleted, updateStock } from '../db/stock.js';
import { sellHeldReservations } from '../db/reservations.js';
import { recordMovements } from '../db/ledger.js';
import { roundClosed, roundSettled } from '../events/payloads.js';
import { stockChangeEvents } from '../events/stock-events.js';
import { announceLive } from '../live/announce.js';
import type { InventoryDeps } from '../settings.js';

/**
 * Closes `round` in the caller's transaction. The caller holds the locks of every stock row with
 * promised units (`promisedRows`, as they are now) and keeps other closers out.
 */
export async function closeRoundNow(sql: Sql, round: Round, reason: RoundCloseReason, promisedRows: StockRow[], deps: InventoryDeps): Promise<Round> {
  const sold = await sellHeldReservations(sql, round.number);
  const { changes, movements } = closingStock({ roundNumber: round.number, reservedRows: promisedRows, sold });
  await updateStock(
    sql,
    changes.map((c) => c.after),
  );
  await recordMovements(sql, movements);
  const sales = salesOf(sold);
  const closed = await recordRoundClosed(sql, round.number, reason, sales, manufacturersToSettle(sales));
  const events = [roundClosed(round.number, closed.closedAt!, reason, sales), ...stockChangeEvents(changes)];
  if (closed.status === 'SETTLED') events.push(roundSettled(round.number));
  await recordEvents(sql, deps.schema, events);
  await announceLive(sql, events);
  deps.logger.info({ roundNumber: round.number, reason, products: sales.length, status: closed.status }, 'round closed');
  return closed;
}

/** The operator closes the open round (CONFLICT when none is open). */
export async function closeRoundByOperator(database: ServiceDatabase, deps: InventoryDeps): Promise<Round> {
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    await holdRoundTransitionLock(sql);
    const round = await lockOpenRound(sql);
    if (!round) throw conflict('No round is open, so there is none to close');
    return closeRoundNow(sql, round, 'OPERATOR', await lockPromisedStock(sql, deps.defaultThreshold), deps);
  });
}

/** Closes the open round if its period has ended; replicas racing here close it once. */
export async function closeRoundIfPeriodEnded(database: ServiceDatabase, deps: InventoryDeps): Promise<Round | null> {
  if ((await roundPastItsEnd(database)) === null) return null;
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    await holdRoundTransitionLock(sql);
    const round = await lockOpenRound(sql, { pastItsEnd: true, skipLocked: true });
    if (!round) return null;
    return closeRoundNow(sql, round, 'PERIOD_ENDED', await lockPromisedStock(sql, deps.defaultThreshold), deps);
  });
}

/**
 * Closes the open round when no unit of it is left (the round watch, woken by the batch that took
 * the last unit). The exclusive round lock waits for running batches and production, so none of
 * them can reserve or add stock in a round that closes under it; replicas racing here close it once.
 */
export async function closeRoundIfDepleted(database: ServiceDatabase, deps: InventoryDeps): Promise<Round | null> {
  const open = await openRound(database);
  if (open === null || !(await roundIsDepleted(database, open.number))) return null;
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    await holdRoundTransitionLock(sql);
    const round = await lockOpenRound(sql, { skipLocked: true });
    if (!round || !(await roundIsDepleted(sql, round.number))) return null;
    return closeRoundNow(sql, round, 'DEPLETED', await lockPromisedStock(sql, deps.defaultThreshold), deps);
  });
}
