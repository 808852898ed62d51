/** Cart lines, read together with today's price and availability from the catalog read model. */
import { repositoryOf, type Sql } from '@distribution/db';
import { CartLineEntity } from './entities/index.js';
import type { CartLineRecord } from './records.js';

/** The cart lines of many customers in one statement, oldest line first (a join with the catalog: raw, typed). */
export async function cartLinesOf(sql: Sql, customerIds: readonly string[]): Promise<CartLineRecord[]> {
  return sql.query<CartLineRecord>(
    `SELECT l.customer_id AS "customerId", l.product_id AS "productId", l.quantity,
            COALESCE(p.unit_price_cents, 0) AS "unitPriceCents", GREATEST(COALESCE(p.available, 0), 0) AS available, COALESCE(p.discontinued, false) AS discontinued
     FROM cart_line l LEFT JOIN catalog_product p ON p.product_id = l.product_id
     WHERE l.customer_id = ANY($1::uuid[])
     ORDER BY l.added_at, l.product_id`,
    [customerIds],
  );
}

/** How many units of the product the cart holds (0 when it has no such line), and how many lines it has. */
export async function cartLineState(sql: Sql, customerId: string, productId: string): Promise<{ quantity: number; lineCount: number }> {
  const [row] = await sql.query<{ quantity: number; lineCount: number }>(
    `SELECT COALESCE(max(quantity) FILTER (WHERE product_id = $2), 0)::int AS quantity, count(*)::int AS "lineCount"
     FROM cart_line WHERE customer_id = $1`,
    [customerId, productId],
  );
  return row!;
}

export async function setCartLine(sql: Sql, customerId: string, productId: string, quantity: number): Promise<void> {
  await repositoryOf(sql, CartLineEntity)
    .createQueryBuilder()
    .insert()
    .values({ customerId, productId, quantity })
    .orUpdate(['quantity'], ['customer_id', 'product_id'])
    .updateEntity(false)
    .execute();
}

export async function removeCartLine(sql: Sql, customerId: string, productId: string): Promise<void> {
  await repositoryOf(sql, CartLineEntity).delete({ customerId, productId });
}

export async function emptyCart(sql: Sql, customerId: string): Promise<void> {
  await repositoryOf(sql, CartLineEntity).delete({ customerId });
}
