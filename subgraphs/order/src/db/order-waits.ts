/** Orders waiting for inventory's answer: which are overdue, what they were asked, which were reported. */
import { returnedRows } from '@distribution/db';
import type { Sql } from '@distribution/db';

export type Awaiting = 'RESERVATION' | 'RELEASE';

export interface OverdueOrder {
  orderId: string;
  customerId: string;
  awaiting: Awaiting;
  /** Since when it waits: placed, or cancellation asked. */
  since: Date;
  /** How often it was asked about before (0: never). */
  asks: number;
}

export interface OverdueRules {
  /** An order waiting longer than this is asked about, and again after this long each time. */
  timeoutMs: number;
  /** Asked this often without an answer, it is reported instead. */
  maxAsks: number;
  /** At most this many orders per look. */
  limit: number;
}

/** A cancellation now waits for its stock to be given back (in the cancelling transaction). */
export async function waitForRelease(sql: Sql, orderId: string): Promise<void> {
  await sql.query(
    `INSERT INTO order_wait (order_id, awaiting, since) VALUES ($1, 'RELEASE', now())
     ON CONFLICT (order_id, awaiting) DO UPDATE SET since = now(), asks = 0, asked_at = NULL, reported_at = NULL`,
    [orderId],
  );
}

const OVERDUE_PLACEMENTS = `
  SELECT o.id AS "orderId", o.customer_id AS "customerId", 'RESERVATION' AS awaiting, o.placed_at AS since, coalesce(w.asks, 0) AS asks
  FROM customer_order o LEFT JOIN order_wait w ON w.order_id = o.id AND w.awaiting = 'RESERVATION'
  WHERE o.status = 'PENDING' AND o.placed_at <= now() - $1::float8 * interval '1 millisecond'
    AND (w.order_id IS NULL OR (w.asks < $2 AND w.asked_at <= now() - $1::float8 * interval '1 millisecond'))
  ORDER BY o.placed_at LIMIT $3`;

const OVERDUE_CANCELLATIONS = `
  SELECT o.id AS "orderId", o.customer_id AS "customerId", 'RELEASE' AS awaiting, w.since, w.asks
  FROM order_wait w JOIN customer_order o ON o.id = w.order_id
  WHERE w.awaiting = 'RELEASE' AND o.status = 'CONFIRMED' AND o.cancellation_requested AND w.asks < $2
    AND coalesce(w.asked_at, w.since) <= now() - $1::float8 * interval '1 millisecond'
  ORDER BY w.since LIMIT $3`;

/** Is any order overdue? A plain read: most looks find none. */
export async function anyOverdue(sql: Sql, rules: OverdueRules): Promise<boolean> {
  const params = [rules.timeoutMs, rules.maxAsks, 1];
  const [placed] = await sql.query(OVERDUE_PLACEMENTS, params);
  if (placed) return true;
  const [cancelled] = await sql.query(OVERDUE_CANCELLATIONS, params);
  return Boolean(cancelled);
}

/**
 * The overdue orders, locked until the transaction ends (another replica looking at the same
 * moment skips them), oldest first; each recorded as asked once more.
 */
export async function takeOverdue(sql: Sql, rules: OverdueRules): Promise<OverdueOrder[]> {
  const params = [rules.timeoutMs, rules.maxAsks, rules.limit];
  const locked = ' FOR UPDATE OF o SKIP LOCKED';
  const due: OverdueOrder[] = [...(await sql.query<OverdueOrder>(OVERDUE_PLACEMENTS + locked, params)), ...(await sql.query<OverdueOrder>(OVERDUE_CANCELLATIONS + locked, params))];
  if (due.length === 0) return [];
  await sql.query(
    `INSERT INTO order_wait (order_id, awaiting, since, asks, asked_at)
     SELECT id, awaiting, since, 1, now() FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS d(id, awaiting, since)
     ON CONFLICT (order_id, awaiting) DO UPDATE SET asks = order_wait.asks + 1, asked_at = now()`,
    [due.map((d) => d.orderId), due.map((d) => d.awaiting), due.map((d) => d.since)],
  );
  return due;
}

/** Orders asked `maxAsks` times that still wait a timeout after the last ask: marked reported, and returned (once each). */
export async function takeUnanswered(sql: Sql, rules: OverdueRules): Promise<OverdueOrder[]> {
  return returnedRows<OverdueOrder>(
    await sql.query(
      `UPDATE order_wait w SET reported_at = now()
     FROM customer_order o
     WHERE o.id = w.order_id AND w.reported_at IS NULL AND w.asks >= $2 AND w.asked_at <= now() - $1::float8 * interval '1 millisecond'
       AND ((w.awaiting = 'RESERVATION' AND o.status = 'PENDING') OR (w.awaiting = 'RELEASE' AND o.status = 'CONFIRMED' AND o.cancellation_requested))
     RETURNING w.order_id AS "orderId", o.customer_id AS "customerId", w.awaiting, w.since, w.asks`,
      [rules.timeoutMs, rules.maxAsks],
    ),
  );
}
