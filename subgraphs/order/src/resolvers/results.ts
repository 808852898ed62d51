/** The typed results of the order mutations (members of PlaceOrderResult and AddToCartResult). */
import { ROUND_NOT_OPEN_MESSAGE, resultKindOf } from '../domain/place-order-result.js';
import type { OrderChangeRecord, OrderRecord, ShortageRecord } from '../db/records.js';

export interface InsufficientStockResult {
  __typename: 'InsufficientStock';
  lines: ShortageRecord[];
}
export interface RoundNotOpenResult {
  __typename: 'RoundNotOpen';
  message: string;
}
export type OrderResult = OrderRecord & { __typename: 'Order' };
export type PlaceOrderResult = OrderResult | InsufficientStockResult | RoundNotOpenResult;

export const insufficientStock = (lines: ShortageRecord[]): InsufficientStockResult => ({ __typename: 'InsufficientStock', lines });
export const roundNotOpen = (): RoundNotOpenResult => ({ __typename: 'RoundNotOpen', message: ROUND_NOT_OPEN_MESSAGE });
export const asOrder = (order: OrderRecord): OrderResult => ({ ...order, __typename: 'Order' });

/** What placeOrder answers for an order as it stands (also on a retry with the same key). */
export function placeOrderResultOf(order: OrderRecord): PlaceOrderResult {
  switch (resultKindOf(order)) {
    case 'RoundNotOpen':
      return roundNotOpen();
    case 'InsufficientStock':
      return insufficientStock(order.rejectionLines ?? []);
    default:
      return asOrder(order);
  }
}

/** What changeOrderLine answers: the order, unless inventory refused the change. */
export function changeResultOf(change: OrderChangeRecord, order: OrderRecord): PlaceOrderResult {
  if (change.status !== 'REJECTED') return asOrder(order);
  return resultKindOf({ status: 'REJECTED', rejectionReason: change.rejectionReason }) === 'RoundNotOpen' ? roundNotOpen() : insufficientStock(change.rejectionLines ?? []);
}

/**
 * Resolves a union's members from the `__typename` each result carries (the builders above set it;
 * a cart is answered as `{ __typename: 'Cart', ... }`). `Member` names the union's members.
 */
export function byTypename<Member extends string>(): { __resolveType: (value: object) => Member } {
  return { __resolveType: (value) => (value as { __typename: Member }).__typename };
}
