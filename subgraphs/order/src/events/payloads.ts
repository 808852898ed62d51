/** Payloads of the events this service speaks, exactly as packages/events/PROTOCOL.md writes them (v1). */
import type { NewEvent } from '@distribution/events';

// ---- consumed (manufacturer) ----
export interface SupplyChangedV1 {
  productId: string; manufacturerId: string; sku: string; name: string; category: string;
  unitPriceCents: number; supply: number; delta: number; reason: string; discontinued: boolean;
}

// ---- consumed (inventory) ----
export interface AvailabilityChangedV1 {
  productId: string; manufacturerId: string; category: string; onHand: number; reserved: number;
  available: number; lowStockThreshold: number; status: string; roundNumber: number | null;
}
export interface StockReservedV1 {
  orderId: string; changeId: string | null; roundNumber: number; lines: Array<{ productId: string; quantity: number }>;
}
export interface StockRejectedV1 {
  orderId: string; changeId: string | null; reason: string; lines: Array<{ productId: string; requested: number; available: number }>;
}
export interface StockReleasedV1 {
  orderId: string; lines: Array<{ productId: string; quantity: number }>;
}
export interface RoundClosedV1 {
  roundNumber: number; closedAt: string; reason: string;
  sales: Array<{ productId: string; manufacturerId: string; unitsSold: number; revenueCents: number }>;
}

// ---- produced ----
export interface OrderPlacedV1 {
  orderId: string; customerId: string; lines: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
}
export interface OrderCancelledV1 {
  orderId: string; customerId: string;
}
export interface OrderLineChangeRequestedV1 {
  orderId: string; changeId: string; productId: string; quantity: number; unitPriceCents: number;
}

export const orderPlaced = (payload: OrderPlacedV1): NewEvent<OrderPlacedV1> => ({ type: 'OrderPlaced', version: 1, payload });
export const orderCancelled = (payload: OrderCancelledV1): NewEvent<OrderCancelledV1> => ({ type: 'OrderCancelled', version: 1, payload });
export const orderLineChangeRequested = (payload: OrderLineChangeRequestedV1): NewEvent<OrderLineChangeRequestedV1> =>
  ({ type: 'OrderLineChangeRequested', version: 1, payload });
