/** SQL for booking a round's sales: settlements, their lines and the supply they take away. */
import { returnedRows } from '@distribution/db';
import type { SettlementPlan } from '../domain/settlement.js';
import { PRODUCT_COLUMNS, toProduct, toSettlement, type Product, type Settlement, type Sql } from './rows.js';

/** Locks the products in id order (the order every multi-row locker uses: no deadlocks). */
export async function lockProducts(sql: Sql, ids: readonly string[]): Promise<Product[]> {
  const rows = await sql.query(`SELECT ${PRODUCT_COLUMNS} FROM product WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  return rows.map(toProduct);
}

/** Sets the supply of several locked products at once; returns them as they are now. */
export async function setSupplies(sql: Sql, supplies: Array<{ productId: string; supply: number }>): Promise<Product[]> {
  if (supplies.length === 0) return [];
  const rows = returnedRows<any>(await sql.query(
    `UPDATE product SET supply = s.supply, updated_at = now()
     FROM unnest($1::uuid[], $2::int[]) AS s(id, supply)
     WHERE product.id = s.id
     RETURNING ${PRODUCT_COLUMNS.split(', ').map((c) => `product.${c}`).join(', ')}`,
    [supplies.map((s) => s.productId), supplies.map((s) => s.supply)],
  ));
  return rows.map(toProduct);
}

/**
 * Books one manufacturer's round with its lines; null when this (round, manufacturer) was
 * booked already (the unique constraint is what makes a repeated RoundClosed harmless).
 */
export async function insertSettlement(sql: Sql, roundNumber: number, plan: SettlementPlan): Promise<string | null> {
  const rows: Array<{ id: string }> = await sql.query(
    `INSERT INTO settlement (round_number, manufacturer_id, units_sold, revenue_cents) VALUES ($1, $2, $3, $4)
     ON CONFLICT ON CONSTRAINT settlement_once_per_round DO NOTHING RETURNING id`,
    [roundNumber, plan.manufacturerId, plan.unitsSold, plan.revenueCents],
  );
  const id = rows[0]?.id ?? null;
  if (id && plan.lines.length) {
    await sql.query(
      `INSERT INTO settlement_line (settlement_id, product_id, units_sold, revenue_cents)
       SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::bigint[])`,
      [id, plan.lines.map((l) => l.productId), plan.lines.map((l) => l.unitsSold), plan.lines.map((l) => l.revenueCents)],
    );
  }
  return id;
}

/**
 * The latest `count` settlements (newest round first) of each of several manufacturers, with
 * their lines, in ONE statement; `beforeRound` continues a page.
 */
export async function settlementsOfManufacturers(
  sql: Sql,
  manufacturerIds: readonly string[],
  page: { count: number; beforeRound: number | null },
): Promise<Settlement[]> {
  const rows = await sql.query(
    `SELECT s.*, coalesce((
         SELECT json_agg(json_build_object('productId', l.product_id, 'unitsSold', l.units_sold, 'revenueCents', l.revenue_cents) ORDER BY l.product_id)
         FROM settlement_line l WHERE l.settlement_id = s.id
       ), '[]'::json) AS lines
     FROM unnest($1::uuid[]) AS m(id)
     CROSS JOIN LATERAL (
       SELECT id, round_number, manufacturer_id, units_sold, revenue_cents, applied_at FROM settlement
       WHERE manufacturer_id = m.id AND ($2::int IS NULL OR round_number < $2)
       ORDER BY round_number DESC LIMIT $3
     ) AS s`,
    [manufacturerIds, page.beforeRound, page.count],
  );
  return rows.map(toSettlement);
}
