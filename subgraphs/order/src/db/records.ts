/**
 * What this service's data access returns, in business words (money in integer cents): each
 * record is cut from the entities, so a column's type is written once, on its entity.
 */
import type { CartLineEntity, CatalogProductEntity, CustomerOrderEntity, OrderChangeEntity, OrderLineEntity, Shortage } from './entities/index.js';

export type ShortageRecord = Shortage;
/** A customer as this service knows it: its id (who it is, the account service knows). */
export interface CustomerRecord {
  id: string;
}

/** An order; `seq` (bigint) as a number: placements stay far below 2^53, and cursors carry it as one. */
export type OrderRecord = Omit<CustomerOrderEntity, 'seq'> & { seq: number };

export type OrderLineRecord = Pick<OrderLineEntity, 'orderId' | 'productId' | 'quantity' | 'unitPriceCents'>;

/** A cart line with today's price and availability (0 and 0 for a product the catalog does not know yet). */
export type CartLineRecord = Pick<CartLineEntity, 'customerId' | 'productId' | 'quantity'> & Pick<CatalogProductEntity, 'available' | 'discontinued'> & { unitPriceCents: number };

/** A line of a FULFILLED order: something the customer owns. */
export type PurchaseRecord = Pick<OrderLineEntity, 'productId' | 'quantity' | 'unitPriceCents'> &
  Pick<CustomerOrderEntity, 'customerId'> & { orderId: string; roundNumber: number };

/** What the catalog read model knows about a product; unitPriceCents null means "not announced yet". */
export type CatalogEntry = Pick<CatalogProductEntity, 'productId' | 'unitPriceCents' | 'discontinued' | 'available'>;

export type OrderChangeRecord = Pick<OrderChangeEntity, 'id' | 'orderId' | 'productId' | 'quantity' | 'status' | 'rejectionReason' | 'rejectionLines'>;

/** The entity's bigint `seq` as the number records carry. */
export const toOrderRecord = ({ seq, ...order }: CustomerOrderEntity): OrderRecord => ({ ...order, seq: Number(seq) });
