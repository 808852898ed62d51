/** The reads live subscriptions need beyond the loaders: snapshots, and rounds by number. */
import type { Round } from '../db/rounds.js';
import type { Sql } from '../db/sql.js';
import { toStockRow } from '../db/stock.js';
import { emptyStock, type StockRow } from '../domain/stock.js';
import type { AvailabilityFilter } from './filters.js';

/** Every product the filter matches with its stock now (empty stock when it has no row), by product id: ONE statement. */
export async function availabilitySnapshot(sql: Sql, filter: AvailabilityFilter, defaultThreshold: number): Promise<StockRow[]> {
  const ids = filter.productIds ? [...filter.productIds] : null;
  const rows = await sql.query(
    `SELECT p.id AS product_id, p.manufacturer_id, p.category, coalesce(s.on_hand, 0) AS on_hand, coalesce(s.reserved, 0) AS reserved,
            s.low_stock_threshold, s.round_number
     FROM product p LEFT JOIN stock_item s ON s.product_id = p.id
     WHERE ($1::uuid[] IS NULL OR p.id = ANY($1::uuid[])) AND ($2::text IS NULL OR p.category = $2)
     ORDER BY p.id`,
    [ids, filter.category],
  );
  const found: StockRow[] = rows.map((r: Parameters<typeof toStockRow>[0]) => toStockRow(r, defaultThreshold));
  if (!ids || filter.category !== null) return found;
  // Asked for by id but not heard of yet: as Product.stock says, nothing anywhere (and events follow once it arrives).
  const known = new Set(found.map((row) => row.productId));
  const unknown = ids.filter((id) => !known.has(id)).map((id) => emptyStock(id, defaultThreshold));
  return [...found, ...unknown].sort((a, b) => (a.productId < b.productId ? -1 : 1));
}

/** Stock rows low now (0 < available <= threshold), by product id: ONE statement. */
export async function lowStockNow(sql: Sql, defaultThreshold: number): Promise<StockRow[]> {
  const rows = await sql.query(
    `SELECT s.product_id, p.manufacturer_id, p.category, s.on_hand, s.reserved, s.low_stock_threshold, s.round_number
     FROM stock_item s JOIN product p ON p.id = s.product_id
     WHERE s.on_hand - s.reserved > 0 AND s.on_hand - s.reserved <= coalesce(s.low_stock_threshold, $1)
     ORDER BY s.product_id`,
    [defaultThreshold],
  );
  return rows.map((r: Parameters<typeof toStockRow>[0]) => toStockRow(r, defaultThreshold));
}

/** Rounds by number, oldest first: ONE statement. */
export async function roundsNumbered(sql: Sql, numbers: readonly number[]): Promise<Round[]> {
  if (numbers.length === 0) return [];
  const rows = await sql.query(
    'SELECT number, status, opened_at, ends_at, closed_at, close_reason FROM distribution_round WHERE number = ANY($1::int[]) ORDER BY number',
    [numbers],
  );
  return rows.map((r: any) => ({
    number: r.number, status: r.status, openedAt: r.opened_at, endsAt: r.ends_at, closedAt: r.closed_at, closeReason: r.close_reason,
  }));
}
