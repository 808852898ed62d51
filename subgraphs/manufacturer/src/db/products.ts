/** The product catalog and its supply. */
import { Any } from 'typeorm';
import { repositoryOf, type Sql } from '@distribution/db';
import { containsPattern, type CatalogFilter, type ProductChanges } from '../domain/catalog.js';
import { ProductEntity, type SupplyMovementEntity } from './entities/index.js';
import { PRODUCT_COLUMNS, PRODUCT_SELECT, toProduct, type Product, type ProductColumns } from './records.js';

export type NewProduct = Pick<ProductEntity, 'manufacturerId' | 'sku' | 'name' | 'category' | 'unitPriceCents' | 'supply'>;

/** What RETURNING gives back: the record's properties (TypeORM names them by property; rows carry column names). */
const RETURNED = Object.keys(PRODUCT_SELECT);

/** Adds a product; null when the manufacturer already has this SKU (in any case). */
export async function insertProduct(sql: Sql, p: NewProduct): Promise<Product | null> {
  const { raw } = await repositoryOf(sql, ProductEntity)
    .createQueryBuilder()
    .insert()
    .values(p)
    .orIgnore() // the only unique constraint a new row can meet: (manufacturer, SKU in any case)
    .returning(RETURNED)
    .updateEntity(false)
    .execute();
  const [row] = raw as ProductColumns[];
  return row ? toProduct(row) : null;
}

/** The products with these ids (one statement). */
export async function productsByIds(sql: Sql, ids: readonly string[]): Promise<Product[]> {
  return repositoryOf(sql, ProductEntity).find({ select: PRODUCT_SELECT, where: { id: Any([...ids]) } });
}

/** Up to `count` catalog entries matching `filter`, by name, id, after the (name, id) position. */
export async function productsPage(sql: Sql, filter: CatalogFilter, count: number, after: [string, string] | null): Promise<Product[]> {
  const page = repositoryOf(sql, ProductEntity)
    .createQueryBuilder('p')
    .select(Object.keys(PRODUCT_SELECT).map((property) => `p.${property}`))
    .orderBy('p.name')
    .addOrderBy('p.id')
    .limit(count);
  if (!filter.includeDiscontinued) page.andWhere('NOT p.discontinued');
  if (filter.category !== null) page.andWhere('p.category = :category', { category: filter.category });
  if (filter.manufacturerId !== null) page.andWhere('p.manufacturerId = :manufacturerId', { manufacturerId: filter.manufacturerId });
  if (filter.search !== null) page.andWhere('(p.name ILIKE :search OR p.sku ILIKE :search)', { search: containsPattern(filter.search) });
  if (after) page.andWhere('(p.name, p.id) > (CAST(:afterName AS text), CAST(:afterId AS uuid))', { afterName: after[0], afterId: after[1] });
  return page.getMany();
}

/**
 * The first `count` products (by name, id) of each of several manufacturers, in ONE statement:
 * `manufacturers { products }` costs one query for the whole list, not one per manufacturer
 * (a LATERAL join: raw, typed).
 */
export async function productsOfManufacturers(
  sql: Sql,
  manufacturerIds: readonly string[],
  page: { count: number; after: [string, string] | null; includeDiscontinued: boolean },
): Promise<Product[]> {
  const rows = await sql.query<ProductColumns>(
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

/**
 * Who makes each of these products, in ONE statement. Raw (typed by the entity): the notice
 * consumer asks it for every batch of reservations, on the order path, where a repository read
 * costs about twice the CPU of the same statement.
 */
export async function makersOf(sql: Sql, productIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await sql.query<Pick<ProductEntity, 'id' | 'manufacturerId'>>('SELECT id, manufacturer_id AS "manufacturerId" FROM product WHERE id = ANY($1::uuid[])', [
    productIds,
  ]);
  return new Map(rows.map((r) => [r.id, r.manufacturerId]));
}

/** The product, locked until the transaction ends; null when there is none. */
export async function lockProduct(sql: Sql, id: string): Promise<Product | null> {
  return repositoryOf(sql, ProductEntity).findOne({ select: PRODUCT_SELECT, where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** Applies catalog changes (name, category, price) to a locked product. */
export async function changeProduct(sql: Sql, id: string, changes: ProductChanges): Promise<Product> {
  return updatedProduct(sql, id, { ...changes });
}

export async function markDiscontinued(sql: Sql, id: string): Promise<Product> {
  return updatedProduct(sql, id, { discontinued: true });
}

/** Sets `fields` (and updated_at) on one product and gives it back as it now is. */
async function updatedProduct(sql: Sql, id: string, fields: Partial<Pick<ProductEntity, 'name' | 'category' | 'unitPriceCents' | 'discontinued'>>): Promise<Product> {
  const { raw } = await repositoryOf(sql, ProductEntity)
    .createQueryBuilder()
    .update()
    .set({ ...fields, updatedAt: () => 'now()' })
    .where('id = :id', { id })
    .returning(RETURNED)
    .updateEntity(false)
    .execute();
  return toProduct((raw as ProductColumns[])[0]!);
}

/**
 * Adds produced units in one atomic statement (concurrent runs never lose an update). Null when
 * the product is unknown, not the editor's (`owner` set), discontinued, or would exceed `maxSupply`.
 */
export async function addProducedUnits(sql: Sql, id: string, quantity: number, owner: string | null, maxSupply: number): Promise<Product | null> {
  const [row] = await sql.query<ProductColumns>(
    `UPDATE product SET supply = supply + $2::int, updated_at = now()
     WHERE id = $1 AND NOT discontinued AND ($3::uuid IS NULL OR manufacturer_id = $3) AND supply <= $4::int - $2::int
     RETURNING ${PRODUCT_COLUMNS}`,
    [id, quantity, owner, maxSupply],
  );
  return row ? toProduct(row) : null;
}

export type SupplyMovement = Pick<SupplyMovementEntity, 'productId' | 'delta' | 'supplyAfter' | 'reason'> & { roundNumber?: number | null };

/** Appends movements to the supply ledger (one set-based statement). */
export async function recordSupplyMovements(sql: Sql, movements: SupplyMovement[]): Promise<void> {
  if (movements.length === 0) return;
  await sql.query(
    `INSERT INTO supply_movement (product_id, delta, supply_after, reason, round_number)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::int[])`,
    [
      movements.map((m) => m.productId),
      movements.map((m) => m.delta),
      movements.map((m) => m.supplyAfter),
      movements.map((m) => m.reason),
      movements.map((m) => m.roundNumber ?? null),
    ],
  );
}

/** Distinct categories of the products still on offer, alphabetically. */
export async function activeCategories(sql: Sql): Promise<string[]> {
  const rows = await repositoryOf(sql, ProductEntity)
    .createQueryBuilder('p')
    .select('p.category', 'category')
    .distinct(true)
    .where('NOT p.discontinued')
    .orderBy('category')
    .getRawMany<Pick<ProductEntity, 'category'>>();
  return rows.map((r) => r.category);
}
