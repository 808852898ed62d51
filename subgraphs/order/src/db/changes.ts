/** Requested changes of confirmed orders' lines, kept until inventory answers them. */
import type { OrderChangeRecord, ShortageRecord, Sql } from './records.js';

const COLUMNS = `id, order_id AS "orderId", product_id AS "productId", quantity, status,
  rejection_reason AS "rejectionReason", rejection_lines AS "rejectionLines"`;

export async function insertChange(sql: Sql, change: { id: string; orderId: string; productId: string; quantity: number }): Promise<void> {
  await sql.query('INSERT INTO order_change (id, order_id, product_id, quantity) VALUES ($1, $2, $3, $4)', [change.id, change.orderId, change.productId, change.quantity]);
}

export async function pendingChangeOf(sql: Sql, orderId: string): Promise<OrderChangeRecord | null> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM order_change WHERE order_id = $1 AND status = 'PENDING'`, [orderId]);
  return rows[0] ?? null;
}

export async function changeById(sql: Sql, id: string): Promise<OrderChangeRecord | null> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM order_change WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Reads a change and locks it (and its order, which the answer may update) until the transaction ends. */
export async function lockChange(sql: Sql, id: string): Promise<(OrderChangeRecord & { orderStatus: string }) | null> {
  const rows = await sql.query(
    `SELECT c.id, c.order_id AS "orderId", c.product_id AS "productId", c.quantity, c.status,
            c.rejection_reason AS "rejectionReason", c.rejection_lines AS "rejectionLines", o.status AS "orderStatus"
     FROM order_change c JOIN customer_order o ON o.id = c.order_id WHERE c.id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function decideChange(sql: Sql, id: string, status: 'APPLIED' | 'REJECTED' | 'IGNORED', rejection?: { reason: string; lines: ShortageRecord[] }): Promise<void> {
  await sql.query(
    `UPDATE order_change SET status = $2, decided_at = now(), rejection_reason = $3, rejection_lines = $4::jsonb WHERE id = $1`,
    [id, status, rejection?.reason ?? null, rejection ? JSON.stringify(rejection.lines) : null],
  );
}
