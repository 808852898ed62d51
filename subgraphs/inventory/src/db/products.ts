/** The product read model: what inventory knows of the manufacturers' products, from SupplyChanged. */
import { repositoryOf, type Sql } from '@distribution/db';
import type { ProductFacts } from '../domain/supply.js';
import type { StockRow } from '../domain/stock.js';
import { ProductEntity } from './entities/index.js';
import type { StockColumns } from './records.js';
import { toStockRow } from './stock.js';

const toFacts = (p: ProductEntity): ProductFacts => ({
  productId: p.id,
  manufacturerId: p.manufacturerId,
  category: p.category,
  unitPriceCents: p.unitPriceCents,
  supply: p.supply,
  discontinued: p.discontinued,
});

/** Records the latest facts of many products: ONE set-based `INSERT ... SELECT unnest ... ON CONFLICT`. */
export async function saveProductFacts(sql: Sql, facts: ProductFacts[]): Promise<void> {
  if (facts.length === 0) return;
  await sql.query(
    `INSERT INTO product (id, manufacturer_id, category, unit_price_cents, supply, discontinued)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::boolean[])
     ON CONFLICT (id) DO UPDATE SET manufacturer_id = EXCLUDED.manufacturer_id, category = EXCLUDED.category,
       unit_price_cents = EXCLUDED.unit_price_cents, supply = EXCLUDED.supply, discontinued = EXCLUDED.discontinued, updated_at = now()`,
    [
      facts.map((f) => f.productId),
      facts.map((f) => f.manufacturerId),
      facts.map((f) => f.category),
      facts.map((f) => f.unitPriceCents),
      facts.map((f) => f.supply),
      facts.map((f) => f.discontinued),
    ],
  );
}

export async function productFacts(sql: Sql, productId: string): Promise<ProductFacts | null> {
  const product = await repositoryOf(sql, ProductEntity).findOneBy({ id: productId });
  return product && toFacts(product);
}

/** Every product still on offer: what a new round pulls into stock. */
export async function productsOnOffer(sql: Sql): Promise<ProductFacts[]> {
  return (await repositoryOf(sql, ProductEntity).find({ where: { discontinued: false }, order: { id: 'ASC' } })).map(toFacts);
}

/** The offers of one category: most available first, then by id, with their stock (empty when none; a join ordered by an expression: raw, typed). */
export async function offersOf(sql: Sql, category: string, limit: number, defaultThreshold: number): Promise<StockRow[]> {
  const rows = await sql.query<StockColumns>(
    `SELECT p.id AS product_id, p.manufacturer_id, p.category, coalesce(s.on_hand, 0) AS on_hand, coalesce(s.reserved, 0) AS reserved,
            s.low_stock_threshold, s.round_number
     FROM product p LEFT JOIN stock_item s ON s.product_id = p.id
     WHERE p.category = $1 AND NOT p.discontinued
     ORDER BY coalesce(s.on_hand - s.reserved, 0) DESC, p.id
     LIMIT $2`,
    [category, limit],
  );
  return rows.map((r) => toStockRow(r, defaultThreshold));
}
