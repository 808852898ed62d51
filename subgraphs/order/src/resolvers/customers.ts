/** Customers as the order service shows them: `me`, and the Customer entity's cart, orders, purchases and order count. */
import type { OrderContext } from '../context.js';
import { assertMaySeeCustomer, requireCustomerRole } from '../access.js';
import { isUuid } from '@distribution/db';
import type { CustomerRecord, PurchaseRecord } from '../db/records.js';
import { orderConnection } from './orders.js';
import type { CustomerOrdersArgs } from '../generated/resolvers-types.js';

export const customerResolvers = {
  Query: {
    // Name and email come from the account service; a customer needs no row here to have a (still empty) cart.
    me: (_: unknown, __: unknown, ctx: OrderContext): CustomerRecord => ({ id: requireCustomerRole(ctx.identity) }),
  },
  Customer: {
    __resolveReference: (ref: { id: string }, ctx: OrderContext): CustomerRecord | null => {
      assertMaySeeCustomer(ctx.identity, ref.id);
      return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
    },
    cart: (customer: CustomerRecord) => ({ customerId: customer.id }),
    orders: (customer: CustomerRecord, args: CustomerOrdersArgs, ctx: OrderContext) => orderConnection(ctx, args, customer.id),
    purchases: (customer: CustomerRecord, _: unknown, ctx: OrderContext): Promise<PurchaseRecord[]> => ctx.loaders.purchases.load(customer.id),
    orderCount: (customer: CustomerRecord, _: unknown, ctx: OrderContext): Promise<number> => ctx.loaders.orderCounts.load(customer.id),
  },
};
