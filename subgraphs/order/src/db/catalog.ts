/** The catalog read model: price, manufacturer and discontinuation (SupplyChanged), availability (AvailabilityChanged). */
import type { CatalogProductEntity } from './entities/index.js';
import type { Sql } from '@distribution/db';
import type { CatalogEntry } from './records.js';

/**
 * What the catalog says of these products. Raw (typed by the entity): it runs once per placed
 * order, where a repository read costs about twice the CPU of the same statement.
 */
export async function catalogEntries(sql: Sql, productIds: readonly string[]): Promise<Map<string, CatalogEntry>> {
  const rows = await sql.query<CatalogEntry>(
    `SELECT product_id AS "productId", unit_price_cents AS "unitPriceCents", discontinued, available
     FROM catalog_product WHERE product_id = ANY($1::uuid[])`,
    [productIds],
  );
  return new Map(rows.map((r) => [r.productId, r]));
}

export type SupplyFacts = Pick<CatalogProductEntity, 'productId' | 'discontinued'> & { manufacturerId: string; unitPriceCents: number };

/** Stores the latest catalog facts of many products in one set-based statement. */
export async function recordSupplyFacts(sql: Sql, facts: SupplyFacts[]): Promise<void> {
  if (facts.length === 0) return;
  await sql.query(
    `INSERT INTO catalog_product (product_id, manufacturer_id, unit_price_cents, discontinued)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::boolean[])
     ON CONFLICT (product_id) DO UPDATE SET manufacturer_id = EXCLUDED.manufacturer_id, unit_price_cents = EXCLUDED.unit_price_cents,
       discontinued = EXCLUDED.discontinued, updated_at = now()`,
    [facts.map((f) => f.productId), facts.map((f) => f.manufacturerId), facts.map((f) => f.unitPriceCents), facts.map((f) => f.discontinued)],
  );
}

export type AvailabilityFacts = Pick<CatalogProductEntity, 'productId' | 'available'> & { manufacturerId: string };

/** Stores the latest availability of many products in one set-based statement (it may arrive before the price). */
export async function recordAvailability(sql: Sql, facts: AvailabilityFacts[]): Promise<void> {
  if (facts.length === 0) return;
  await sql.query(
    `INSERT INTO catalog_product (product_id, manufacturer_id, available)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])
     ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available,
       manufacturer_id = COALESCE(catalog_product.manufacturer_id, EXCLUDED.manufacturer_id), updated_at = now()`,
    [facts.map((f) => f.productId), facts.map((f) => f.manufacturerId), facts.map((f) => f.available)],
  );
}
