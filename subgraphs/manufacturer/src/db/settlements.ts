/** Booking a round's sales: settlements, their lines and the supply they take away. */
import { Any } from 'typeorm';
import { repositoryOf, type Sql } from '@distribution/db';
import type { SettlementPlan } from '../domain/settlement.js';
import { ProductEntity, SettlementEntity } from './entities/index.js';
import { PRODUCT_COLUMNS, PRODUCT_SELECT, toProduct, toSettlement, type Product, type ProductColumns, type Settlement, type SettlementColumns } from './records.js';

/** Locks the products in id order (the order every multi-row locker uses: no deadlocks). */
export async function lockProducts(sql: Sql, ids: readonly string[]): Promise<Product[]> {
  return repositoryOf(sql, ProductEntity).find({
    select: PRODUCT_SELECT,
    where: { id: Any([...ids]) },
    order: { id: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
}

/** Sets the supply of several locked products at once (set-based); returns them as they are now. */
export async function setSupplies(sql: Sql, supplies: Array<{ productId: string; supply: number }>): Promise<Product[]> {
  if (supplies.length === 0) return [];
  const rows = await sql.query<ProductColumns>(
    `UPDATE product SET supply = s.supply, updated_at = now()
     FROM unnest($1::uuid[], $2::int[]) AS s(id, supply)
     WHERE product.id = s.id
     RETURNING ${PRODUCT_COLUMNS.split(', ')
       .map((c) => `product.${c}`)
       .join(', ')}`,
    [supplies.map((s) => s.productId), supplies.map((s) => s.supply)],
  );
  return rows.map(toProduct);
}

/**
 * Books one manufacturer's round with its lines; null when this (round, manufacturer) was
 * booked already (the unique constraint is what makes a repeated RoundClosed harmless).
 */
export async function insertSettlement(sql: Sql, roundNumber: number, plan: SettlementPlan): Promise<string | null> {
  const { raw } = await repositoryOf(sql, SettlementEntity)
    .createQueryBuilder()
    .insert()
    .values({ roundNumber, manufacturerId: plan.manufacturerId, unitsSold: String(plan.unitsSold), revenueCents: String(plan.revenueCents) })
    .orIgnore() // settlement_once_per_round: the only unique constraint a new row can meet
    .returning(['id'])
    .updateEntity(false)
    .execute();
  const id = (raw as Array<Pick<SettlementEntity, 'id'>>)[0]?.id ?? null;
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
 * their lines, in ONE statement (a LATERAL join aggregating lines as JSON: raw, typed); `beforeRound`
 * continues a page.
 */
export async function settlementsOfManufacturers(sql: Sql, manufacturerIds: readonly string[], page: { count: number; beforeRound: number | null }): Promise<Settlement[]> {
  const rows = await sql.query<SettlementColumns>(
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
