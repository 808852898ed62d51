/**
 * Stock rows: locked in product-id order, written back set-based (one statement however many
 * rows). Raw statements, typed by the entities: locks in one statement, set-based writes, and the
 * stock row joined with its product, which every reader selects alike.
 */
import { repositoryOf, runTogether, type Sql, type StatementPart } from '@distribution/db';
import type { StockRow } from '../domain/stock.js';
import { StockItemEntity } from './entities/index.js';
import type { StockColumns } from './records.js';

const COLUMNS = 's.product_id, p.manufacturer_id, p.category, s.on_hand, s.reserved, s.low_stock_threshold, s.round_number';

export function toStockRow(raw: StockColumns, defaultThreshold: number): StockRow {
  return {
    productId: raw.product_id,
    manufacturerId: raw.manufacturer_id,
    category: raw.category,
    onHand: raw.on_hand,
    reserved: raw.reserved,
    lowStockThreshold: raw.low_stock_threshold ?? defaultThreshold,
    roundNumber: raw.round_number,
  };
}

/** Locks the rows of `productIds` (those that exist) in product-id order: ONE statement, one lock per row. */
export async function lockStock(sql: Sql, productIds: string[], defaultThreshold: number): Promise<StockRow[]> {
  if (productIds.length === 0) return [];
  const rows = await sql.query<StockColumns>(
    `SELECT ${COLUMNS} FROM stock_item s JOIN product p ON p.id = s.product_id
     WHERE s.product_id = ANY($1::uuid[]) ORDER BY s.product_id FOR UPDATE OF s`,
    [productIds],
  );
  return rows.map((r) => toStockRow(r, defaultThreshold));
}

/** Locks every stock row, in product-id order (opening a round sets them all). */
export async function lockAllStock(sql: Sql, defaultThreshold: number): Promise<StockRow[]> {
  const rows = await sql.query<StockColumns>(`SELECT ${COLUMNS} FROM stock_item s JOIN product p ON p.id = s.product_id ORDER BY s.product_id FOR UPDATE OF s`);
  return rows.map((r) => toStockRow(r, defaultThreshold));
}

/** Locks every row holding promised units, in product-id order (closing a round sells them). */
export async function lockPromisedStock(sql: Sql, defaultThreshold: number): Promise<StockRow[]> {
  const rows = await sql.query<StockColumns>(
    `SELECT ${COLUMNS} FROM stock_item s JOIN product p ON p.id = s.product_id
     WHERE s.reserved > 0 ORDER BY s.product_id FOR UPDATE OF s`,
  );
  return rows.map((r) => toStockRow(r, defaultThreshold));
}

/** Writes on hand, reserved and round of existing rows: ONE `UPDATE ... FROM unnest`. */
export function stockUpdate(rows: StockRow[]): StatementPart {
  return {
    build: (n) => ({
      cte: `UPDATE stock_item s SET on_hand = u.on_hand, reserved = u.reserved, round_number = u.round_number, updated_at = now()
        FROM unnest($${n}::uuid[], $${n + 1}::int[], $${n + 2}::int[], $${n + 3}::int[]) AS u(product_id, on_hand, reserved, round_number)
        WHERE s.product_id = u.product_id`,
      params: [rows.map((r) => r.productId), rows.map((r) => r.onHand), rows.map((r) => r.reserved), rows.map((r) => r.roundNumber)],
    }),
  };
}

export async function updateStock(sql: Sql, rows: StockRow[]): Promise<void> {
  if (rows.length > 0) await runTogether(sql, [stockUpdate(rows)]);
}

/** Writes rows that may not exist yet (new products, opening): ONE `INSERT ... SELECT unnest ... ON CONFLICT`. */
export async function upsertStock(sql: Sql, rows: StockRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO stock_item (product_id, on_hand, reserved, round_number)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[])
     ON CONFLICT (product_id) DO UPDATE
       SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, round_number = EXCLUDED.round_number, updated_at = now()`,
    [rows.map((r) => r.productId), rows.map((r) => r.onHand), rows.map((r) => r.reserved), rows.map((r) => r.roundNumber)],
  );
}

/** Is every unit of the round promised? (A round with no stock rows at all is not "depleted".) */
export async function roundIsDepleted(sql: Sql, roundNumber: number): Promise<boolean> {
  const [row] = await sql.query<{ depleted: boolean | null }>(`SELECT count(*) > 0 AND bool_and(on_hand = reserved) AS depleted FROM stock_item WHERE round_number = $1`, [
    roundNumber,
  ]);
  return row?.depleted === true;
}

/** Stock of many products in ONE statement (the loader); products without a row are absent. */
export async function stockOfProducts(sql: Sql, productIds: string[], defaultThreshold: number): Promise<StockRow[]> {
  if (productIds.length === 0) return [];
  const rows = await sql.query<StockColumns>(`SELECT ${COLUMNS} FROM stock_item s JOIN product p ON p.id = s.product_id WHERE s.product_id = ANY($1::uuid[])`, [productIds]);
  return rows.map((r) => toStockRow(r, defaultThreshold));
}

/** Sets a product's threshold, creating an empty row if it has none; returns the row before and after. */
export async function setThreshold(sql: Sql, productId: string, threshold: number, defaultThreshold: number): Promise<{ before: StockRow | null; after: StockRow }> {
  const [before] = await lockStock(sql, [productId], defaultThreshold);
  // EXCLUDED.updated_at is the insert's default, now().
  await repositoryOf(sql, StockItemEntity)
    .createQueryBuilder()
    .insert()
    .values({ productId, lowStockThreshold: threshold })
    .orUpdate(['low_stock_threshold', 'updated_at'], ['product_id'])
    .updateEntity(false)
    .execute();
  const [after] = await stockOfProducts(sql, [productId], defaultThreshold);
  return { before: before ?? null, after: after! };
}
