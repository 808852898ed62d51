/** The states an order goes through and the only moves between them (pure; guards every status change). */

export const OrderStatus = {
  Pending: 'PENDING',
  Confirmed: 'CONFIRMED',
  Rejected: 'REJECTED',
  Cancelled: 'CANCELLED',
  Fulfilled: 'FULFILLED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/**
 * PENDING waits for inventory's answer; CONFIRMED holds a reservation in a round, which is
 * either given back (CANCELLED) or sold when the round closes (FULFILLED). The rest are final.
 */
const MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: [OrderStatus.Confirmed, OrderStatus.Rejected],
  CONFIRMED: [OrderStatus.Cancelled, OrderStatus.Fulfilled],
  REJECTED: [],
  CANCELLED: [],
  FULFILLED: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return MOVES[from].includes(to);
}

/** The statuses from which an order may become `to`: the WHERE guard of the UPDATE that moves it. */
export function statusesThatMayBecome(to: OrderStatus): OrderStatus[] {
  return (Object.keys(MOVES) as OrderStatus[]).filter((from) => canMove(from, to));
}

export function isFinal(status: OrderStatus): boolean {
  return MOVES[status].length === 0;
}

/** Why the customer may not cancel this order, or null when they may. */
export function cancellationRefusal(order: { status: OrderStatus }): string | null {
  if (order.status === OrderStatus.Confirmed) return null;
  return `Only a CONFIRMED order can be cancelled; this order is ${order.status}`;
}

/** Why the customer may not change a line of this order, or null when they may. */
export function changeRefusal(order: { status: OrderStatus; cancellationRequested: boolean }): string | null {
  if (order.status !== OrderStatus.Confirmed) return `Only a CONFIRMED order can be changed; this order is ${order.status}`;
  if (order.cancellationRequested) return 'This order is being cancelled and can no longer be changed';
  return null;
}
