/** What inventory decided about orders before: their reservation rows (any round, any status) and their rejections. */
import type { PastReservation, RecordedRejection, Reservation } from '../domain/reservation.js';
import type { Sql, StatementPart } from '@distribution/db';

export interface OrderRecords {
  /** Every reservation row of the orders. */
  reservations: Array<PastReservation & { unitPriceCents: number }>;
  rejections: RecordedRejection[];
}

/** Everything inventory holds about these orders: ONE statement. */
export async function orderRecords(sql: Sql, orderIds: string[]): Promise<OrderRecords> {
  if (orderIds.length === 0) return { reservations: [], rejections: [] };
  const [row] = await sql.query<{ reservations: OrderRecords['reservations']; rejections: OrderRecords['rejections'] }>(
    `SELECT
       (SELECT coalesce(json_agg(json_build_object('orderId', order_id, 'productId', product_id, 'roundNumber', round_number,
          'quantity', quantity, 'unitPriceCents', unit_price_cents, 'status', status) ORDER BY order_id, product_id), '[]')
        FROM reservation WHERE order_id = ANY($1::uuid[])) AS reservations,
       (SELECT coalesce(json_agg(json_build_object('orderId', order_id, 'reason', reason, 'lines', lines)), '[]')
        FROM order_rejection WHERE order_id = ANY($1::uuid[])) AS rejections`,
    [orderIds],
  );
  return { reservations: row!.reservations, rejections: row!.rejections };
}

/** What the orders hold in the open round (`roundNumber`), from their records. */
export function heldInRound(records: OrderRecords, roundNumber: number | null): Reservation[] {
  if (roundNumber === null) return [];
  return records.reservations
    .filter((r) => r.status === 'RESERVED' && r.roundNumber === roundNumber)
    .map(({ orderId, productId, roundNumber: round, quantity, unitPriceCents }) => ({ orderId, productId, roundNumber: round, quantity, unitPriceCents }));
}

/** Keeps the batch's new rejections: part of the batch's one statement. */
export function rejectionWrites(rejections: RecordedRejection[]): StatementPart {
  return {
    build: (n) =>
      rejections.length === 0
        ? { params: [] }
        : {
            cte: `INSERT INTO order_rejection (order_id, reason, lines)
          SELECT * FROM unnest($${n}::uuid[], $${n + 1}::text[], $${n + 2}::jsonb[]) ON CONFLICT (order_id) DO NOTHING`,
            params: [rejections.map((r) => r.orderId), rejections.map((r) => r.reason), rejections.map((r) => JSON.stringify(r.lines))],
          },
  };
}
