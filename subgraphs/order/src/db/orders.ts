/** Orders and their lines: writing a placed order, reading them in batches and pages, moving their status. */
import { returnedRows } from '@distribution/db';
import { outboxStatementParts, type NewEvent } from '@distribution/events';
import { statusesThatMayBecome, type OrderStatus } from '../domain/order-lifecycle.js';
import type { OrderLineRecord, OrderRecord, PurchaseRecord, ShortageRecord, Sql } from './records.js';

const ORDER_COLUMNS = `id, seq::float8 AS seq, customer_id AS "customerId", idempotency_key AS "idempotencyKey", from_cart AS "fromCart",
  status, round_number AS "roundNumber", rejection_reason AS "rejectionReason", rejection_lines AS "rejectionLines",
  requested_lines AS "requestedLines", cancellation_requested AS "cancellationRequested", placed_at AS "placedAt", updated_at AS "updatedAt"`;

export async function ordersByIds(sql: Sql, ids: readonly string[]): Promise<OrderRecord[]> {
  return sql.query(`SELECT ${ORDER_COLUMNS} FROM customer_order WHERE id = ANY($1::uuid[])`, [ids]);
}

export async function orderByKey(sql: Sql, customerId: string, idempotencyKey: string): Promise<OrderRecord | null> {
  const rows = await sql.query(`SELECT ${ORDER_COLUMNS} FROM customer_order WHERE customer_id = $1 AND idempotency_key = $2`, [customerId, idempotencyKey]);
  return rows[0] ?? null;
}

/** Reads an order and locks it until the transaction ends; null when there is none. */
export async function lockOrder(sql: Sql, id: string): Promise<OrderRecord | null> {
  const rows = await sql.query(`SELECT ${ORDER_COLUMNS} FROM customer_order WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

/**
 * Writes a new PENDING order, its lines and its events in ONE statement (atomic on its own, so
 * it needs no transaction around it). Null when this customer already used the key: the unique
 * (customer_id, idempotency_key) makes a concurrent twin wait for the first and then find it,
 * and then neither lines nor events are written.
 */
export async function insertPendingOrder(
  sql: Sql,
  schema: string,
  order: { id: string; customerId: string; idempotencyKey: string; fromCart: boolean; requestedLines: Array<{ productId: string; quantity: number }> },
  lines: Array<{ productId: string; quantity: number; unitPriceCents: number }>,
  events: NewEvent[],
): Promise<string | null> {
  const outbox = outboxStatementParts(schema, events, 10, 'EXISTS (SELECT 1 FROM placed)');
  const rows = await sql.query(
    `WITH placed AS (
       INSERT INTO customer_order (id, customer_id, idempotency_key, from_cart, requested_lines, status) VALUES ($1, $2, $3, $4, $5::jsonb, 'PENDING')
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id
     ), placed_lines AS (
       INSERT INTO order_line (order_id, product_id, quantity, unit_price_cents, position)
       SELECT placed.id, line.* FROM placed, unnest($6::uuid[], $7::int[], $8::int[], $9::int[]) AS line
     ), announced AS (${outbox.cte})
     SELECT id, ${outbox.notify} FROM placed`,
    [
      order.id, order.customerId, order.idempotencyKey, order.fromCart, JSON.stringify(order.requestedLines),
      lines.map((l) => l.productId), lines.map((l) => l.quantity), lines.map((l) => l.unitPriceCents), lines.map((_, i) => i),
      ...outbox.params,
    ],
  );
  return rows[0]?.id ?? null;
}

/** The lines of many orders in one statement, in the order they were placed. */
export async function orderLinesOf(sql: Sql, orderIds: readonly string[]): Promise<OrderLineRecord[]> {
  return sql.query(
    `SELECT order_id AS "orderId", product_id AS "productId", quantity, unit_price_cents AS "unitPriceCents"
     FROM order_line WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
    [orderIds],
  );
}

/** One page of orders, newest first, fetched `limit` at a time (callers ask for one more to know if there is a next page). */
export async function orderPage(sql: Sql, filter: { customerId?: string; status?: OrderStatus; beforeSeq?: number }, limit: number): Promise<OrderRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.customerId) where.push(`customer_id = $${params.push(filter.customerId)}`);
  if (filter.status) where.push(`status = $${params.push(filter.status)}`);
  if (filter.beforeSeq !== undefined) where.push(`seq < $${params.push(filter.beforeSeq)}`);
  return sql.query(
    `SELECT ${ORDER_COLUMNS} FROM customer_order ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY seq DESC LIMIT $${params.push(limit)}`,
    params,
  );
}

/** What many customers own: the lines of their FULFILLED orders, oldest first, in one statement. */
export async function purchasesOf(sql: Sql, customerIds: readonly string[]): Promise<PurchaseRecord[]> {
  return sql.query(
    `SELECT o.customer_id AS "customerId", o.id AS "orderId", o.round_number AS "roundNumber",
            l.product_id AS "productId", l.quantity, l.unit_price_cents AS "unitPriceCents"
     FROM customer_order o JOIN order_line l ON l.order_id = o.id
     WHERE o.customer_id = ANY($1::uuid[]) AND o.status = 'FULFILLED'
     ORDER BY o.seq, l.position`,
    [customerIds],
  );
}

export async function markCancellationRequested(sql: Sql, orderId: string): Promise<void> {
  await sql.query('UPDATE customer_order SET cancellation_requested = true, updated_at = now() WHERE id = $1', [orderId]);
}

export interface StatusChange {
  roundNumber?: number;
  rejection?: { reason: string; lines: ShortageRecord[] };
}

/** One order to move, and what comes with the move. */
export interface OrderMove {
  orderId: string;
  to: OrderStatus;
  change?: StatusChange;
}

/**
 * Moves orders, each to its `to` if the lifecycle allows it from its current status (the guard
 * is in the WHERE clause, so a late or repeated outcome changes nothing): ONE statement for all.
 * Each order at most once per call. Returns the ids of the orders that moved.
 */
export async function moveOrders(sql: Sql, moves: readonly OrderMove[]): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const rows = returnedRows<{ id: string }>(await sql.query(
    `UPDATE customer_order o SET status = m.to_status, updated_at = now(),
       round_number = COALESCE(m.round_number, o.round_number),
       rejection_reason = COALESCE(m.reason, o.rejection_reason), rejection_lines = COALESCE(m.lines, o.rejection_lines),
       cancellation_requested = CASE WHEN m.to_status IN ('CANCELLED', 'FULFILLED') THEN false ELSE o.cancellation_requested END
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::jsonb[]) AS m(id, to_status, allowed_from, round_number, reason, lines)
     WHERE o.id = m.id AND o.status = ANY(string_to_array(m.allowed_from, ',')) RETURNING o.id`,
    [
      moves.map((m) => m.orderId), moves.map((m) => m.to), moves.map((m) => statusesThatMayBecome(m.to).join(',')),
      moves.map((m) => m.change?.roundNumber ?? null), moves.map((m) => m.change?.rejection?.reason ?? null),
      moves.map((m) => (m.change?.rejection ? JSON.stringify(m.change.rejection.lines) : null)),
    ],
  ));
  return new Set(rows.map((r) => r.id));
}

/** Every CONFIRMED order of the round becomes FULFILLED; returns their ids. */
export async function fulfilRound(sql: Sql, roundNumber: number): Promise<string[]> {
  const rows = returnedRows<{ id: string }>(await sql.query(
    `UPDATE customer_order SET status = 'FULFILLED', cancellation_requested = false, updated_at = now()
     WHERE round_number = $1 AND status = ANY($2) RETURNING id`,
    [roundNumber, statusesThatMayBecome('FULFILLED')],
  ));
  return rows.map((r) => r.id);
}

/** Sets a line of an order to the quantity inventory reserved; 0 removes the line. */
export async function setOrderLineQuantity(sql: Sql, orderId: string, productId: string, quantity: number): Promise<void> {
  if (quantity === 0) await sql.query('DELETE FROM order_line WHERE order_id = $1 AND product_id = $2', [orderId, productId]);
  else await sql.query('UPDATE order_line SET quantity = $3 WHERE order_id = $1 AND product_id = $2', [orderId, productId, quantity]);
  await sql.query('UPDATE customer_order SET updated_at = now() WHERE id = $1', [orderId]);
}
