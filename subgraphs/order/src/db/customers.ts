/** Customers: registration and lookups. */
import type { CustomerRecord, Sql } from './records.js';

const COLUMNS = 'id, name, email';

/** Registers a customer; null when the email (in any case) is already registered. */
export async function registerCustomer(sql: Sql, name: string, email: string): Promise<CustomerRecord | null> {
  const rows: CustomerRecord[] = await sql.query(
    `INSERT INTO customer (name, email) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [name, email],
  );
  return rows[0] ?? null;
}

export async function customersByIds(sql: Sql, ids: readonly string[]): Promise<CustomerRecord[]> {
  return sql.query(`SELECT ${COLUMNS} FROM customer WHERE id = ANY($1::uuid[])`, [ids]);
}

/**
 * Locks the customer's row for the rest of the transaction: cart changes and checkouts of one
 * customer take turns, so a cart is never ordered twice nor changed while it is being ordered.
 * False when there is no such customer.
 */
export async function lockCustomer(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query('SELECT id FROM customer WHERE id = $1 FOR UPDATE', [id]);
  return rows.length > 0;
}
