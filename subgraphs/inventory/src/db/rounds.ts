/** Distribution rounds, what each sold, and which manufacturers have settled. */
import { returnedRows } from '@distribution/db';
import type { RoundCloseReason, RoundSale, RoundState, RoundStatus } from '../domain/rounds.js';
import type { Sql } from './sql.js';

export interface Round {
  number: number;
  status: RoundStatus;
  openedAt: Date;
  endsAt: Date;
  closedAt: Date | null;
  closeReason: RoundCloseReason | null;
}

const toRound = (r: any): Round => ({
  number: r.number, status: r.status, openedAt: r.opened_at, endsAt: r.ends_at, closedAt: r.closed_at, closeReason: r.close_reason,
});

/** The latest round (whatever its status), or null before the first. */
export async function latestRound(sql: Sql): Promise<Round | null> {
  const [row] = await sql.query('SELECT * FROM distribution_round ORDER BY number DESC LIMIT 1');
  return row ? toRound(row) : null;
}

/** The open round, or null. */
export async function openRound(sql: Sql): Promise<Round | null> {
  const [row] = await sql.query(`SELECT * FROM distribution_round WHERE status = 'OPEN'`);
  return row ? toRound(row) : null;
}

/** The latest round with, when closed, the manufacturers it still waits for. */
export async function latestRoundState(sql: Sql): Promise<RoundState | null> {
  const round = await latestRound(sql);
  if (!round) return null;
  if (round.status !== 'CLOSED') return { number: round.number, status: round.status };
  const waiting = await sql.query(
    'SELECT manufacturer_id FROM round_settlement WHERE round_number = $1 AND settled_at IS NULL ORDER BY manufacturer_id',
    [round.number],
  );
  return { number: round.number, status: round.status, awaitingSettlementFrom: waiting.map((w: any) => w.manufacturer_id) };
}

export async function insertRound(sql: Sql, number: number, openedAt: Date, endsAt: Date): Promise<Round> {
  const [row] = await sql.query(
    `INSERT INTO distribution_round (number, status, opened_at, ends_at) VALUES ($1, 'OPEN', $2, $3) RETURNING *`,
    [number, openedAt, endsAt],
  );
  return toRound(row);
}

/** Locks the open round for closing; with `skipLocked`, a round someone else is closing is skipped. */
export async function lockOpenRound(sql: Sql, options: { pastItsEnd?: boolean; skipLocked?: boolean } = {}): Promise<Round | null> {
  const [row] = await sql.query(
    `SELECT * FROM distribution_round WHERE status = 'OPEN' ${options.pastItsEnd ? 'AND ends_at <= now()' : ''}
     FOR UPDATE ${options.skipLocked ? 'SKIP LOCKED' : ''}`,
  );
  return row ? toRound(row) : null;
}

/** Is an open round past its end? (Cheap, lock-free: the period watch asks this every tick.) */
export async function roundPastItsEnd(sql: Sql): Promise<number | null> {
  const [row] = await sql.query(`SELECT number FROM distribution_round WHERE status = 'OPEN' AND ends_at <= now()`);
  return row ? row.number : null;
}

/** Records the close, the sales and who must settle; a round that sold nothing is settled at once. */
export async function recordRoundClosed(sql: Sql, number: number, reason: RoundCloseReason, sales: RoundSale[], manufacturers: string[]): Promise<Round> {
  const settled = manufacturers.length === 0;
  const [row] = returnedRows<any>(await sql.query(
    `UPDATE distribution_round SET status = $2, closed_at = clock_timestamp(), close_reason = $3, settled_at = CASE WHEN $4 THEN clock_timestamp() END
     WHERE number = $1 AND status = 'OPEN' RETURNING *`,
    [number, settled ? 'SETTLED' : 'CLOSED', reason, settled],
  ));
  if (!row) throw new Error(`Round ${number} is not open`);
  if (sales.length) {
    await sql.query(
      `INSERT INTO round_sale (round_number, product_id, manufacturer_id, units_sold, revenue_cents)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::bigint[])`,
      [number, sales.map((s) => s.productId), sales.map((s) => s.manufacturerId), sales.map((s) => s.unitsSold), sales.map((s) => s.revenueCents)],
    );
    await sql.query('INSERT INTO round_settlement (round_number, manufacturer_id) SELECT $1, unnest($2::uuid[])', [number, manufacturers]);
  }
  return toRound(row);
}

/** Marks one manufacturer settled for a round; false when it was not expected or already settled. */
export async function markManufacturerSettled(sql: Sql, roundNumber: number, manufacturerId: string, settlementId: string): Promise<boolean> {
  const rows = returnedRows(await sql.query(
    `UPDATE round_settlement SET settlement_id = $3, settled_at = now()
     WHERE round_number = $1 AND manufacturer_id = $2 AND settled_at IS NULL RETURNING round_number`,
    [roundNumber, manufacturerId, settlementId],
  ));
  return rows.length === 1;
}

/** Settles a CLOSED round whose every manufacturer has settled; true when this call settled it. */
export async function settleRoundIfComplete(sql: Sql, roundNumber: number): Promise<boolean> {
  const rows = returnedRows(await sql.query(
    `UPDATE distribution_round SET status = 'SETTLED', settled_at = now()
     WHERE number = $1 AND status = 'CLOSED'
       AND NOT EXISTS (SELECT 1 FROM round_settlement WHERE round_number = $1 AND settled_at IS NULL)
     RETURNING number`,
    [roundNumber],
  ));
  return rows.length === 1;
}

/** Rounds newest first, before round `beforeNumber`; `limit + 1` rows to tell if there is more. */
export async function roundsPage(sql: Sql, limit: number, beforeNumber: number | null): Promise<Round[]> {
  const rows = await sql.query(
    'SELECT * FROM distribution_round WHERE ($1::int IS NULL OR number < $1) ORDER BY number DESC LIMIT $2',
    [beforeNumber, limit + 1],
  );
  return rows.map(toRound);
}

/** What many rounds sold, in ONE statement (the loader). */
export async function salesOfRounds(sql: Sql, numbers: number[]): Promise<Array<RoundSale & { roundNumber: number }>> {
  const rows = await sql.query(
    `SELECT round_number, product_id, manufacturer_id, units_sold, revenue_cents FROM round_sale
     WHERE round_number = ANY($1::int[]) ORDER BY round_number, product_id`,
    [numbers],
  );
  return rows.map((r: any) => ({ roundNumber: r.round_number, productId: r.product_id, manufacturerId: r.manufacturer_id, unitsSold: r.units_sold, revenueCents: Number(r.revenue_cents) }));
}
