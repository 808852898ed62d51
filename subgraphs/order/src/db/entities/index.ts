/** The order service's tables as entities: registered on its DataSource, and the row types of its data access. */
import { eventEntities } from '@distribution/events';
import { CartLineEntity } from './cart-line.js';
import { CatalogProductEntity } from './catalog-product.js';
import { CustomerEntity } from './customer.js';
import { CustomerOrderEntity } from './customer-order.js';
import { OrderChangeEntity } from './order-change.js';
import { OrderLineEntity } from './order-line.js';
import { OrderWaitEntity } from './order-wait.js';
import { ClosedRoundEntity } from './closed-round.js';
import { CartRemovalEntity } from './cart-removal.js';

export { OrderWaitEntity, ClosedRoundEntity, CartRemovalEntity, CartLineEntity, CatalogProductEntity, CustomerEntity, CustomerOrderEntity, OrderChangeEntity, OrderLineEntity };
export type { Shortage } from './customer-order.js';
export type { OrderChangeStatus } from './order-change.js';

export const entities = [
  ...eventEntities,
  CustomerEntity,
  CatalogProductEntity,
  CartLineEntity,
  CustomerOrderEntity,
  OrderLineEntity,
  OrderChangeEntity,
  OrderWaitEntity,
  ClosedRoundEntity,
  CartRemovalEntity,
];
