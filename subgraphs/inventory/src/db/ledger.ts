/** The stock movement ledger: append-only, and enough to recompute every stock row. */
import { MoreThan } from 'typeorm';
import { repositoryOf, runTogether, type Columns, type Sql, type StatementPart } from '@distribution/db';
import type { Movement } from '../domain/ledger.js';
import { StockMovementEntity, type StockItemEntity } from './entities/index.js';
import type { MovementEntry } from './records.js';

/** Appends movements: ONE `INSERT ... SELECT unnest`. */
export function movementInserts(movements: Movement[]): StatementPart {
  return {
    build: (n) => ({
      cte: `INSERT INTO stock_movement (product_id, round_number, kind, quantity, order_id)
        SELECT * FROM unnest($${n}::uuid[], $${n + 1}::int[], $${n + 2}::text[], $${n + 3}::int[], $${n + 4}::uuid[])`,
      params: [
        movements.map((m) => m.productId),
        movements.map((m) => m.roundNumber),
        movements.map((m) => m.kind),
        movements.map((m) => m.quantity),
        movements.map((m) => m.orderId),
      ],
    }),
  };
}

export async function recordMovements(sql: Sql, movements: Movement[]): Promise<void> {
  if (movements.length > 0) await runTogether(sql, [movementInserts(movements)]);
}

/** What a product's stock row must say, recomputed from its movements alone (audit). */
export async function recomputeStock(sql: Sql, productId: string): Promise<{ onHand: number; reserved: number }> {
  const [row] = await sql.query<Columns<StockItemEntity, 'onHand' | 'reserved'>>(
    `SELECT
       coalesce(sum(CASE WHEN kind IN ('ROUND_OPENED_SUPPLY', 'SUPPLY_IN') THEN quantity WHEN kind IN ('SALE', 'WITHDRAWN') THEN -quantity ELSE 0 END), 0)::int AS on_hand,
       coalesce(sum(CASE kind WHEN 'RESERVE' THEN quantity WHEN 'RELEASE' THEN -quantity WHEN 'SALE' THEN -quantity ELSE 0 END), 0)::int AS reserved
     FROM stock_movement WHERE product_id = $1`,
    [productId],
  );
  return { onHand: row!.on_hand, reserved: row!.reserved };
}

/** A page of a product's movements, oldest first, after movement `afterId` (digits); `limit + 1` rows to tell if there is more. */
export async function movementsOf(sql: Sql, productId: string, limit: number, afterId: string | null): Promise<MovementEntry[]> {
  return repositoryOf(sql, StockMovementEntity).find({
    where: { productId, ...(afterId === null ? {} : { id: MoreThan(afterId) }) },
    order: { id: 'ASC' },
    take: limit + 1,
  });
}
