/** The reads live subscriptions need beyond the loaders: snapshots, and rounds by number. */
import { Any } from 'typeorm';
import { repositoryOf, type Sql } from '@distribution/db';
import { DistributionRoundEntity } from '../db/entities/index.js';
import type { Round, StockColumns } from '../db/records.js';
import { toStockRow } from '../db/stock.js';
import { emptyStock, type StockRow } from '../domain/stock.js';
import type { AvailabilityFilter } from './filters.js';

/** Every product the filter matches with its stock now (empty stock when it has no row), by product id: ONE statement (a join: raw, typed). */
export async function availabilitySnapshot(sql: Sql, filter: AvailabilityFilter, defaultThreshold: number): Promise<StockRow[]> {
  const ids = filter.productIds ? [...filter.productIds] : null;
  const rows = await sql.query<StockColumns>(
    `SELECT p.id AS product_id, p.manufacturer_id, p.category, coalesce(s.on_hand, 0) AS on_hand, coalesce(s.reserved, 0) AS reserved,
            s.low_stock_threshold, s.round_number
     FROM product p LEFT JOIN stock_item s ON s.product_id = p.id
     WHERE ($1::uuid[] IS NULL OR p.id = ANY($1::uuid[])) AND ($2::text IS NULL OR p.category = $2)
     ORDER BY p.id`,
    [ids, filter.category],
  );
  const found: StockRow[] = rows.map((r) => toStockRow(r, defaultThreshold));
  if (!ids || filter.category !== null) return found;
  // Asked for by id but not heard of yet: as Product.stock says, nothing anywhere (and events follow once it arrives).
  const known = new Set(found.map((row) => row.productId));
  const unknown = ids.filter((id) => !known.has(id)).map((id) => emptyStock(id, defaultThreshold));
  return [...found, ...unknown].sort((a, b) => (a.productId < b.productId ? -1 : 1));
}

/** Stock rows low now (0 < available <= threshold), by product id: ONE statement (a join on an expression: raw, typed). */
export async function lowStockNow(sql: Sql, defaultThreshold: number): Promise<StockRow[]> {
  const rows = await sql.query<StockColumns>(
    `SELECT s.product_id, p.manufacturer_id, p.category, s.on_hand, s.reserved, s.low_stock_threshold, s.round_number
     FROM stock_item s JOIN product p ON p.id = s.product_id
     WHERE s.on_hand - s.reserved > 0 AND s.on_hand - s.reserved <= coalesce(s.low_stock_threshold, $1)
     ORDER BY s.product_id`,
    [defaultThreshold],
  );
  return rows.map((r) => toStockRow(r, defaultThreshold));
}

/** Rounds by number, oldest first: ONE statement. */
export async function roundsNumbered(sql: Sql, numbers: readonly number[]): Promise<Round[]> {
  if (numbers.length === 0) return [];
  return repositoryOf(sql, DistributionRoundEntity).find({
    select: { number: true, status: true, openedAt: true, endsAt: true, closedAt: true, closeReason: true },
    where: { number: Any([...numbers]) },
    order: { number: 'ASC' },
  });
}
