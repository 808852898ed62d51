/** What the schedule reads: the latest round with the database's clock, and which round is the latest. */
import type { RoundStatus } from '../domain/rounds.js';
import type { Sql } from '@distribution/db';

export interface LatestRoundAndClock {
  latest: { number: number; status: RoundStatus; openedAt: Date } | null;
  /** The database's clock: the one every replica agrees on. */
  now: Date;
}

/** The latest round (null before the first) and the time now: ONE statement. */
export async function latestRoundAndClock(sql: Sql): Promise<LatestRoundAndClock> {
  const [row] = await sql.query<{ now: Date; number: number | null; status: RoundStatus; opened_at: Date }>(
    `SELECT clock_timestamp() AS now, r.number, r.status, r.opened_at
     FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT * FROM distribution_round ORDER BY number DESC LIMIT 1) AS r ON true`,
  );
  return { now: row!.now, latest: row!.number === null ? null : { number: row!.number, status: row!.status, openedAt: row!.opened_at } };
}

/** The number of the latest round, or null before the first. */
export async function latestRoundNumber(sql: Sql): Promise<number | null> {
  const [row] = await sql.query<{ number: number | null }>('SELECT max(number) AS number FROM distribution_round');
  return row?.number ?? null;
}
