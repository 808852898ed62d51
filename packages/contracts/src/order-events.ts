/** Events the order service publishes (PROTOCOL.md, "order publishes"). */
import { z } from 'zod';
import { id, instant, unitPriceCents, units } from './fields.js';

/** OrderPlaced v1: a new order waits for its reservation. */
export const OrderPlacedV1 = z.object({
  orderId: id(),
  customerId: id(),
  lines: z.array(z.object({ productId: id(), quantity: units().positive(), unitPriceCents: unitPriceCents() })).min(1),
});
export type OrderPlacedV1 = z.infer<typeof OrderPlacedV1>;

/** OrderCancelled v1: a confirmed order is cancelled; inventory releases its reservation. */
export const OrderCancelledV1 = z.object({ orderId: id(), customerId: id() });
export type OrderCancelledV1 = z.infer<typeof OrderCancelledV1>;

/** OrderLineChangeRequested v1: a confirmed order's line should become `quantity` (0 removes it). */
export const OrderLineChangeRequestedV1 = z.object({
  orderId: id(),
  changeId: id(),
  productId: id(),
  quantity: units(),
  unitPriceCents: unitPriceCents(),
});
export type OrderLineChangeRequestedV1 = z.infer<typeof OrderLineChangeRequestedV1>;

/**
 * OrderOverdue v1: an order has waited for inventory's answer past the bound
 * (ORDER_RESOLUTION_TIMEOUT_MS). Inventory answers with the decision it made, or, if it never
 * decided (its OrderPlaced was parked or lost), rejects the order now (TIMED_OUT) and keeps to that.
 */
export const OrderOverdue = z.enum(['RESERVATION', 'RELEASE']);
export const OrderOverdueV1 = z.object({
  orderId: id(),
  customerId: id(),
  /** RESERVATION: a placed order is still PENDING; RELEASE: a cancellation still waits for its stock to be given back. */
  awaiting: OrderOverdue,
  /** Since when the order has waited (placed, or cancellation asked). */
  waitingSince: instant(),
  /** 1 for the first time it is asked about, then 2, 3, ... */
  ask: z.int32().positive(),
});
export type OrderOverdueV1 = z.infer<typeof OrderOverdueV1>;
