/** The rounds this service knows are closed (RoundClosed), so that a confirmation arriving after its round closed is fulfilled at once. */
import { returnedRows } from '@distribution/db';
import type { Sql } from '@distribution/db';

export async function recordClosedRound(sql: Sql, roundNumber: number): Promise<void> {
  await sql.query('INSERT INTO closed_round (round_number) VALUES ($1) ON CONFLICT DO NOTHING', [roundNumber]);
}

/**
 * Of these orders, those CONFIRMED in a round that has already closed become FULFILLED (their
 * confirmation came late: inventory answered an OrderOverdue after the round sold them); returns their ids.
 */
export async function fulfilLateConfirmations(sql: Sql, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = returnedRows<{ id: string }>(
    await sql.query(
      `UPDATE customer_order SET status = 'FULFILLED', cancellation_requested = false, updated_at = now()
     WHERE id = ANY($1::uuid[]) AND status = 'CONFIRMED' AND round_number IN (SELECT round_number FROM closed_round) RETURNING id`,
      [orderIds],
    ),
  );
  return rows.map((r) => r.id);
}
