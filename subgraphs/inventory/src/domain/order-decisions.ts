/**
 * What inventory decided about each order of a batch, kept up to date as the batch goes (pure).
 * An order is decided once: reserved (it has reservation rows, whatever became of them since:
 * released, sold) or rejected (a recorded rejection). Asked again, inventory gives the same answer.
 */
import type { PastReservation, RecordedRejection, ReservedLine } from './reservation.js';

export class OrderDecisions {
  private readonly rows = new Map<string, Map<string, PastReservation>>();
  private readonly rejections = new Map<string, RecordedRejection>();
  private readonly firstRejections: RecordedRejection[] = [];

  constructor(past: readonly PastReservation[], rejections: readonly RecordedRejection[]) {
    for (const row of past) this.reserved(row);
    for (const rejection of rejections) this.rejections.set(rejection.orderId, rejection);
  }

  /** The order's rejection, if inventory rejected it. */
  rejectionOf(orderId: string): RecordedRejection | undefined {
    return this.rejections.get(orderId);
  }

  /** The round and the lines the order was given (what it holds or held), if inventory ever reserved it. */
  reservationOf(orderId: string): { roundNumber: number; lines: ReservedLine[] } | null {
    const rows = [...(this.rows.get(orderId)?.values() ?? [])];
    if (rows.length === 0) return null;
    return {
      roundNumber: Math.max(...rows.map((r) => r.roundNumber)),
      lines: rows.filter((r) => r.quantity > 0).map((r) => ({ productId: r.productId, quantity: r.quantity })),
    };
  }

  /** True when the order was reserved once and has given every unit back. */
  allReleased(orderId: string): boolean {
    const rows = [...(this.rows.get(orderId)?.values() ?? [])];
    return rows.length > 0 && rows.every((r) => r.status === 'RELEASED');
  }

  /** A reservation row written by the batch. */
  reserved(row: PastReservation): void {
    let rows = this.rows.get(row.orderId);
    if (!rows) this.rows.set(row.orderId, (rows = new Map()));
    rows.set(row.productId, { ...row });
  }

  /** An order the batch rejects: kept, and answered the same from now on. */
  reject(rejection: RecordedRejection): void {
    if (this.rejections.has(rejection.orderId)) return;
    this.rejections.set(rejection.orderId, rejection);
    this.firstRejections.push(rejection);
  }

  /** The rejections this batch made (to write). */
  get newRejections(): RecordedRejection[] {
    return [...this.firstRejections];
  }
}
