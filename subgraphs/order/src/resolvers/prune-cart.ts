/**
 * pruneCart: takes out of the cart, in one call, what the distributor can no longer serve, and tells
 * the customer what left it (with what the distributor took out by itself: discontinued products).
 */
import { notFound } from '@distribution/errors';
import type { OrderContext } from '../context.js';
import { requireCustomerRole } from '../access.js';
import { pruneCart } from '../domain/cart.js';
import { isUuid, sqlOf } from '@distribution/db';
import { lockCustomer } from '../db/customers.js';
import { cartLinesOf, removeCartLine, setCartLine } from '../db/carts.js';
import { tellRemovals, type CartRemovalRecord } from '../db/cart-removals.js';
import { product } from './orders.js';

export const pruneCartResolvers = {
  Mutation: {
    pruneCart: async (_: unknown, __: unknown, ctx: OrderContext) => {
      const customerId = requireCustomerRole(ctx.identity);
      const removed = await ctx.database.transaction(async (manager) => {
        const m = sqlOf(manager);
        // The customer's row lock: no cart change or checkout of this customer runs meanwhile.
        if (!isUuid(customerId)) throw notFound('Customer', customerId);
        await lockCustomer(m, customerId, ctx.identity!.sub);
        const pruned = pruneCart(await cartLinesOf(m, [customerId]));
        for (const line of pruned) {
          if (line.kept === 0) await removeCartLine(m, customerId, line.productId);
          else await setCartLine(m, customerId, line.productId, line.kept);
        }
        return tellRemovals(m, customerId, pruned);
      });
      ctx.loaders.cartLines.clear(customerId);
      ctx.loaders.cartRemovals.clear(customerId);
      return { cart: { customerId }, removed };
    },
  },
  RemovedCartLine: {
    product: (removal: CartRemovalRecord) => product(removal.productId),
    removedAt: (removal: CartRemovalRecord) => new Date(removal.removedAt).toISOString(),
  },
};
