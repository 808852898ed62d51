/** SQL for the product catalog and its supply. */
import { returnedRows } from '@distribution/db';
import { containsPattern, type CatalogFilter, type ProductChanges } from '../domain/catalog.js';
import { PRODUCT_COLUMNS, toProduct, type Product, type Sql } from './rows.js';

export interface NewProduct {
  manufacturerId: string;
  sku: string;
  name: string;
  category: string;
  unitPriceCents: number;
  supply: number;
}

/** Adds a product; null when the manufacturer already has this SKU (in any case). */
export async function insertProduct(sql: Sql, p: NewProduct): Promise<Product | null> {
  const rows = await sql.query(
    `INSERT INTO product (manufacturer_id, sku, name, category, unit_price_cents, supply)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (manufacturer_id, (lower(sku))) DO NOTHING
     RETURNING ${PRODUCT_COLUMNS}`,
    [p.manufacturerId, p.sku, p.name, p.category, p.unitPriceCents, p.supply],
  );
  return rows[0] ? toProduct(rows[0]) : null;
}

/** The products with these ids (one statement). */
export async function productsByIds(sql: Sql, ids: readonly string[]): Promise<Product[]> {
  const rows = await sql.query(`SELECT ${PRODUCT_COLUMNS} FROM product WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map(toProduct);
}

/** Up to `count` catalog entries matching `filter`, by name, id, after the (name, id) position. */
export async function productsPage(sql: Sql, filter: CatalogFilter, count: number, after: [string, string] | null): Promise<Product[]> {
  const rows = await sql.query(
    `SELECT ${PRODUCT_COLUMNS} FROM product
     WHERE ($1::boolean OR NOT discontinued)
       AND ($2::text IS NULL OR category = $2)
       AND ($3::uuid IS NULL OR manufacturer_id = $3)
       AND ($4::text IS NULL OR name ILIKE $4 OR sku ILIKE $4)
       AND ($5::text IS NULL OR (name, id) > ($5::text, $6::uuid))
     ORDER BY name, id LIMIT $7`,
    [
      filter.includeDiscontinued, filter.category, filter.manufacturerId,
      filter.search === null ? null : containsPattern(filter.search),
      after?.[0] ?? null, after?.[1] ?? null, count,
    ],
  );
  return rows.map(toProduct);
}

/**
 * The first `count` products (by name, id) of each of several manufacturers, in ONE statement:
 * `manufacturers { products }` costs one query for the whole list, not one per manufacturer.
 */
export async function productsOfManufacturers(
  sql: Sql,
  manufacturerIds: readonly string[],
  page: { count: number; after: [string, string] | null; includeDiscontinued: boolean },
): Promise<Product[]> {
  const rows = await sql.query(
    `SELECT p.* FROM unnest($1::uuid[]) AS m(id)
     CROSS JOIN LATERAL (
       SELECT ${PRODUCT_COLUMNS} FROM product
       WHERE manufacturer_id = m.id
         AND ($2::boolean OR NOT discontinued)
         AND ($3::text IS NULL OR (name, id) > ($3::text, $4::uuid))
       ORDER BY name, id LIMIT $5
     ) AS p`,
    [manufacturerIds, page.includeDiscontinued, page.after?.[0] ?? null, page.after?.[1] ?? null, page.count],
  );
  return rows.map(toProduct);
}

/** The product, locked until the transaction ends; null when there is none. */
export async function lockProduct(sql: Sql, id: string): Promise<Product | null> {
  const rows = await sql.query(`SELECT ${PRODUCT_COLUMNS} FROM product WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ? toProduct(rows[0]) : null;
}

/** Applies catalog changes (name, category, price) to a locked product. */
export async function changeProduct(sql: Sql, id: string, changes: ProductChanges): Promise<Product> {
  const rows = returnedRows<any>(await sql.query(
    `UPDATE product SET name = coalesce($2, name), category = coalesce($3, category),
       unit_price_cents = coalesce($4, unit_price_cents), updated_at = now()
     WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
    [id, changes.name ?? null, changes.category ?? null, changes.unitPriceCents ?? null],
  ));
  return toProduct(rows[0]);
}

export async function markDiscontinued(sql: Sql, id: string): Promise<Product> {
  const rows = returnedRows<any>(await sql.query(
    `UPDATE product SET discontinued = true, updated_at = now() WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
    [id],
  ));
  return toProduct(rows[0]);
}

/**
 * Adds produced units in one atomic statement (concurrent runs never lose an update). Null when
 * the product is unknown, not the editor's (`owner` set), discontinued, or would exceed `maxSupply`.
 */
export async function addProducedUnits(sql: Sql, id: string, quantity: number, owner: string | null, maxSupply: number): Promise<Product | null> {
  const rows = returnedRows<any>(await sql.query(
    `UPDATE product SET supply = supply + $2::int, updated_at = now()
     WHERE id = $1 AND NOT discontinued AND ($3::uuid IS NULL OR manufacturer_id = $3) AND supply <= $4::int - $2::int
     RETURNING ${PRODUCT_COLUMNS}`,
    [id, quantity, owner, maxSupply],
  ));
  return rows[0] ? toProduct(rows[0]) : null;
}

export interface SupplyMovement {
  productId: string;
  delta: number;
  supplyAfter: number;
  reason: 'CREATED' | 'PRODUCED' | 'SETTLED';
  roundNumber?: number | null;
}

/** Appends movements to the supply ledger (one statement). */
export async function recordSupplyMovements(sql: Sql, movements: SupplyMovement[]): Promise<void> {
  if (movements.length === 0) return;
  await sql.query(
    `INSERT INTO supply_movement (product_id, delta, supply_after, reason, round_number)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::int[])`,
    [
      movements.map((m) => m.productId), movements.map((m) => m.delta), movements.map((m) => m.supplyAfter),
      movements.map((m) => m.reason), movements.map((m) => m.roundNumber ?? null),
    ],
  );
}

/** Distinct categories of the products still on offer, alphabetically. */
export async function activeCategories(sql: Sql): Promise<string[]> {
  const rows: Array<{ category: string }> = await sql.query('SELECT DISTINCT category FROM product WHERE NOT discontinued ORDER BY category');
  return rows.map((r) => r.category);
}
