/** Events the order service publishes (PROTOCOL.md, "order publishes"). */
import { z } from 'zod';
import { id, unitPriceCents, units } from './fields.js';

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
