/**
 * The lock order every writer of stock keeps, so that no two transactions ever wait on each other
 * in a circle:
 *   1. the round lock (advisory, per database): SHARED for writers of some stock rows (reservation
 *      and supply batches), EXCLUSIVE for round transitions (open, close), which touch them all;
 *   2. stock rows, always in product-id order, in one statement (see stock.ts);
 *   3. then anything else (reservations, round rows, ledger, outbox).
 * Product read-model rows are written only by the manufacturer consumer (one at a time); others
 * only take the foreign-key KEY SHARE lock on them, which never waits for that writer.
 * The shared lock is what lets a batch trust the round it read for its whole transaction; a
 * transition holding it exclusively can lock every stock row without anyone else in the way.
 */
import type { Sql } from '@distribution/db';

const ROUND_LOCK = 'inventory:rounds';

/** Taken by every batch that changes some stock rows; many may hold it at once. */
export async function holdStockWriterLock(sql: Sql): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [ROUND_LOCK]);
}

/** Taken by round transitions: waits for running batches and keeps new ones out until commit. */
export async function holdRoundTransitionLock(sql: Sql): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock(hashtext($1))', [ROUND_LOCK]);
}
