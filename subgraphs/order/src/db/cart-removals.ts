/** Lines taken out of carts: by pruneCart, and by the distributor (discontinued products), kept until the customer is told. */
import { returnedRows } from '@distribution/db';
import type { CartLineProblem } from '../domain/cart.js';
import type { Sql } from '@distribution/db';

export interface CartRemovalRecord {
  customerId: string;
  productId: string;
  /** Units taken out. */
  quantity: number;
  /** Units of the product left in the cart (0: the line is gone). */
  kept: number;
  reason: CartLineProblem;
  removedAt: Date;
}

const COLUMNS = `customer_id AS "customerId", product_id AS "productId", quantity, kept, reason, removed_at AS "removedAt"`;

/** Takes every cart line of these (discontinued) products out of every cart, and keeps what was removed: ONE statement. */
export async function removeDiscontinuedFromCarts(sql: Sql, productIds: string[]): Promise<number> {
  if (productIds.length === 0) return 0;
  const rows = returnedRows(
    await sql.query(
      `WITH removed AS (DELETE FROM cart_line WHERE product_id = ANY($1::uuid[]) RETURNING customer_id, product_id, quantity)
     INSERT INTO cart_removal (customer_id, product_id, quantity, kept, reason)
     SELECT customer_id, product_id, quantity, 0, 'DISCONTINUED' FROM removed RETURNING id`,
      [productIds],
    ),
  );
  return rows.length;
}

/** Lines the distributor took out of these customers' carts that they have not been told of, oldest first. */
export async function untoldRemovals(sql: Sql, customerIds: readonly string[]): Promise<CartRemovalRecord[]> {
  return sql.query(`SELECT ${COLUMNS} FROM cart_removal WHERE customer_id = ANY($1::uuid[]) AND told_at IS NULL ORDER BY id`, [customerIds]);
}

/** Records removals pruneCart makes and marks every removal of the customer as told: returns them all, oldest first. */
export async function tellRemovals(
  sql: Sql,
  customerId: string,
  pruned: Array<{ productId: string; quantity: number; kept: number; reason: CartLineProblem }>,
): Promise<CartRemovalRecord[]> {
  if (pruned.length) {
    await sql.query(
      `INSERT INTO cart_removal (customer_id, product_id, quantity, kept, reason)
       SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[])`,
      [customerId, pruned.map((p) => p.productId), pruned.map((p) => p.quantity), pruned.map((p) => p.kept), pruned.map((p) => p.reason)],
    );
  }
  const rows = returnedRows<CartRemovalRecord & { id: string }>(
    await sql.query(`UPDATE cart_removal SET told_at = now() WHERE customer_id = $1 AND told_at IS NULL RETURNING id, ${COLUMNS}`, [customerId]),
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id)).map(({ id: _id, ...removal }) => removal);
}
