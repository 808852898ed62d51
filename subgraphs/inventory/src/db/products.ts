/** The product read model: what inventory knows of the manufacturers' products, from SupplyChanged. */
import type { ProductFacts } from '../domain/supply.js';
import type { StockRow } from '../domain/stock.js';
import { toStockRow } from './stock.js';
import type { Sql } from './sql.js';

interface RawProduct {
  id: string;
  manufacturer_id: string;
  category: string;
  unit_price_cents: number;
  supply: number;
  discontinued: boolean;
}

const toFacts = (r: RawProduct): ProductFacts => ({
  productId: r.id, manufacturerId: r.manufacturer_id, category: r.category, unitPriceCents: r.unit_price_cents, supply: r.supply, discontinued: r.discontinued,
});

/** Records the latest facts of many products: ONE `INSERT ... SELECT unnest ... ON CONFLICT`. */
export async function saveProductFacts(sql: Sql, facts: ProductFacts[]): Promise<void> {
  if (facts.length === 0) return;
  await sql.query(
    `INSERT INTO product (id, manufacturer_id, category, unit_price_cents, supply, discontinued)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::boolean[])
     ON CONFLICT (id) DO UPDATE SET manufacturer_id = EXCLUDED.manufacturer_id, category = EXCLUDED.category,
       unit_price_cents = EXCLUDED.unit_price_cents, supply = EXCLUDED.supply, discontinued = EXCLUDED.discontinued, updated_at = now()`,
    [
      facts.map((f) => f.productId), facts.map((f) => f.manufacturerId), facts.map((f) => f.category),
      facts.map((f) => f.unitPriceCents), facts.map((f) => f.supply), facts.map((f) => f.discontinued),
    ],
  );
}

export async function productFacts(sql: Sql, productId: string): Promise<ProductFacts | null> {
  const [row]: RawProduct[] = await sql.query('SELECT * FROM product WHERE id = $1', [productId]);
  return row ? toFacts(row) : null;
}

/** Every product still on offer: what a new round pulls into stock. */
export async function productsOnOffer(sql: Sql): Promise<ProductFacts[]> {
  const rows: RawProduct[] = await sql.query('SELECT * FROM product WHERE NOT discontinued ORDER BY id');
  return rows.map(toFacts);
}

/** The offers of one category: most available first, then by id, with their stock (empty when none). */
export async function offersOf(sql: Sql, category: string, limit: number, defaultThreshold: number): Promise<StockRow[]> {
  const rows = await sql.query(
    `SELECT p.id AS product_id, p.manufacturer_id, p.category, coalesce(s.on_hand, 0) AS on_hand, coalesce(s.reserved, 0) AS reserved,
            s.low_stock_threshold, s.round_number
     FROM product p LEFT JOIN stock_item s ON s.product_id = p.id
     WHERE p.category = $1 AND NOT p.discontinued
     ORDER BY coalesce(s.on_hand - s.reserved, 0) DESC, p.id
     LIMIT $2`,
    [category, limit],
  );
  return rows.map((r: Parameters<typeof toStockRow>[0]) => toStockRow(r, defaultThreshold));
}
