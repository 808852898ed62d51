/** Which member of PlaceOrderResult an order (or a change of one) answers with (pure). */
import type { OrderStatus } from './order-lifecycle.js';

/** Inventory's reasons for refusing a reservation (StockRejected.reason). */
export const RejectionReason = {
  InsufficientStock: 'INSUFFICIENT_STOCK',
  UnknownProduct: 'UNKNOWN_PRODUCT',
  NoOpenRound: 'NO_OPEN_ROUND',
  /** Inventory never got the order before it was overdue (ORDER_RESOLUTION_TIMEOUT_MS). */
  TimedOut: 'TIMED_OUT',
} as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];

export type PlaceOrderResultKind = 'Order' | 'InsufficientStock' | 'RoundNotOpen';

export function resultKindOf(order: { status: OrderStatus; rejectionReason: string | null }): PlaceOrderResultKind {
  if (order.status !== 'REJECTED') return 'Order';
  switch (order.rejectionReason) {
    case RejectionReason.NoOpenRound:
      return 'RoundNotOpen';
    // Nothing was short: the order itself says what happened (REJECTED, TIMED_OUT).
    case RejectionReason.TimedOut:
      return 'Order';
    default:
      return 'InsufficientStock';
  }
}

/** Whether a rejected order has a shortage to show (Order.rejection). */
export const hasShortage = (order: { status: OrderStatus; rejectionReason: string | null }) => resultKindOf(order) === 'InsufficientStock';

export const ROUND_NOT_OPEN_MESSAGE = 'No distribution round is open: orders are reserved while a round is open. Try again when the next round opens.';
