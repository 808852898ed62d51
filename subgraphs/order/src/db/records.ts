/** The shapes this service reads from its tables, in business words (money in integer cents). */
import type { OrderStatus } from '../domain/order-lifecycle.js';

/** Anything that runs SQL: the database (autocommit) or a transaction's manager. */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** A customer as this service knows it: its id (who it is, the account service knows). */
export interface CustomerRecord {
  id: string;
}

export interface ShortageRecord {
  productId: string;
  requested: number;
  available: number;
}

export interface OrderRecord {
  id: string;
  seq: number;
  customerId: string;
  idempotencyKey: string;
  fromCart: boolean;
  /** The lines as first requested (a retry with the same key must ask for the same). */
  requestedLines: Array<{ productId: string; quantity: number }>;
  status: OrderStatus;
  roundNumber: number | null;
  rejectionReason: string | null;
  rejectionLines: ShortageRecord[] | null;
  cancellationRequested: boolean;
  placedAt: Date;
  updatedAt: Date;
}

export interface OrderLineRecord {
  orderId: string;
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface CartLineRecord {
  customerId: string;
  productId: string;
  quantity: number;
  unitPriceCents: number;
  available: number;
  discontinued: boolean;
}

export interface PurchaseRecord {
  customerId: string;
  orderId: string;
  roundNumber: number;
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

/** What the catalog read model knows about a product; unitPriceCents null means "not announced yet". */
export interface CatalogEntry {
  productId: string;
  unitPriceCents: number | null;
  discontinued: boolean;
  available: number;
}

export interface OrderChangeRecord {
  id: string;
  orderId: string;
  productId: string;
  quantity: number;
  status: 'PENDING' | 'APPLIED' | 'REJECTED' | 'IGNORED';
  rejectionReason: string | null;
  rejectionLines: ShortageRecord[] | null;
}
