/** Reservation rows: what each order holds of each product in a round (with its line's unit price). */
import type { Columns, Sql, StatementPart } from '@distribution/db';
import type { Reservation, ReservationWrite } from '../domain/reservation.js';
import type { SoldReservation } from '../domain/rounds.js';
import type { ProductEntity, ReservationEntity } from './entities/index.js';

/**
 * What the given orders hold in round `roundNumber`. Raw (typed by the entity): every reservation
 * batch reads it, where a repository read costs about twice the CPU of the same statement.
 */
export async function reservationsHeldBy(sql: Sql, orderIds: string[], roundNumber: number | null): Promise<Reservation[]> {
  if (orderIds.length === 0 || roundNumber === null) return [];
  return sql.query<Pick<ReservationEntity, 'orderId' | 'productId' | 'roundNumber' | 'quantity' | 'unitPriceCents'>>(
    `SELECT order_id AS "orderId", product_id AS "productId", round_number AS "roundNumber", quantity, unit_price_cents AS "unitPriceCents"
     FROM reservation WHERE order_id = ANY($1::uuid[]) AND round_number = $2 AND status = 'RESERVED' ORDER BY order_id, product_id`,
    [orderIds, roundNumber],
  );
}

/** Writes the final state of every reservation a batch touched: ONE `INSERT ... SELECT unnest ... ON CONFLICT`. */
export function reservationWrites(writes: ReservationWrite[]): StatementPart {
  return {
    build: (n) => ({
      cte: `INSERT INTO reservation (order_id, product_id, round_number, quantity, unit_price_cents, status)
        SELECT * FROM unnest($${n}::uuid[], $${n + 1}::uuid[], $${n + 2}::int[], $${n + 3}::int[], $${n + 4}::int[], $${n + 5}::text[])
        ON CONFLICT (order_id, product_id) DO UPDATE SET round_number = EXCLUDED.round_number, quantity = EXCLUDED.quantity,
          unit_price_cents = EXCLUDED.unit_price_cents, status = EXCLUDED.status, updated_at = now()`,
      params: [
        writes.map((w) => w.orderId),
        writes.map((w) => w.productId),
        writes.map((w) => w.roundNumber),
        writes.map((w) => w.quantity),
        writes.map((w) => w.unitPriceCents),
        writes.map((w) => w.status),
      ],
    }),
  };
}

/** Marks every reservation still held in the round as sold (set-based), returning them with their product's manufacturer. */
export async function sellHeldReservations(sql: Sql, roundNumber: number): Promise<SoldReservation[]> {
  const rows = await sql.query<Columns<ReservationEntity, 'orderId' | 'productId' | 'quantity' | 'unitPriceCents'> & Columns<ProductEntity, 'manufacturerId'>>(
    `WITH sold AS (
       UPDATE reservation SET status = 'SOLD', updated_at = now()
       WHERE round_number = $1 AND status = 'RESERVED'
       RETURNING order_id, product_id, quantity, unit_price_cents)
     SELECT sold.*, p.manufacturer_id FROM sold JOIN product p ON p.id = sold.product_id ORDER BY sold.order_id, sold.product_id`,
    [roundNumber],
  );
  return rows.map((r) => ({ orderId: r.order_id, productId: r.product_id, manufacturerId: r.manufacturer_id, quantity: r.quantity, unitPriceCents: r.unit_price_cents }));
}
