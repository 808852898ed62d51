/** A settlement by id, for SETTLED notices (one per event, so one statement per event). */
import type { Sql } from '@distribution/db';
import { toSettlement, type Settlement, type SettlementColumns } from '../db/records.js';

export async function settlementById(sql: Sql, id: string): Promise<Settlement | null> {
  const [row] = await sql.query<SettlementColumns>(
    `SELECT s.id, s.round_number, s.manufacturer_id, s.units_sold, s.revenue_cents, s.applied_at, coalesce((
         SELECT json_agg(json_build_object('productId', l.product_id, 'unitsSold', l.units_sold, 'revenueCents', l.revenue_cents) ORDER BY l.product_id)
         FROM settlement_line l WHERE l.settlement_id = s.id
       ), '[]'::json) AS lines
     FROM settlement s WHERE s.id = $1`,
    [id],
  );
  return row ? toSettlement(row) : null;
}
