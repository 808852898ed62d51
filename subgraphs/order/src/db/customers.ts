/**
 * Customers as the order service keeps them: a row per customer id, made the first time the
 * customer fills a cart or orders (carts and orders refer to it). Who the customer is (name,
 * email, password) is the account service's; for a customer of an external identity provider
 * the row keeps the provider's subject its id was made from.
 */
import type { Sql } from '@distribution/db';
import type { CustomerOrderEntity } from './entities/index.js';

/** Makes the customer's row unless it exists. */
export async function addCustomer(sql: Sql, id: string, subject: string): Promise<void> {
  await sql.query('INSERT INTO customer (id, subject) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, subject === id ? null : subject]);
}

/**
 * Locks the customer's row for the rest of the transaction, making it first when needed: cart
 * changes and checkouts of one customer take turns, so a cart is never ordered twice nor changed
 * while it is being ordered.
 */
export async function lockCustomer(sql: Sql, id: string, subject: string): Promise<void> {
  const rows = await sql.query<{ id: string }>('SELECT id FROM customer WHERE id = $1 FOR UPDATE', [id]);
  if (rows.length > 0) return;
  await addCustomer(sql, id, subject);
  await sql.query('SELECT id FROM customer WHERE id = $1 FOR UPDATE', [id]);
}

/** How many orders each customer has placed (any status), in one statement. */
export async function orderCounts(sql: Sql, customerIds: readonly string[]): Promise<Array<{ customerId: CustomerOrderEntity['customerId']; count: number }>> {
  return sql.query('SELECT customer_id AS "customerId", count(*)::int AS count FROM customer_order WHERE customer_id = ANY($1::uuid[]) GROUP BY customer_id', [customerIds]);
}
