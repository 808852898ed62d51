/** Subscription.orderStatusChanged: the order now, then after every committed change (fed by LISTEN). */
import type { OrderContext } from '../context.js';
import { ordersByIds } from '../db/orders.js';
import type { OrderRecord } from '../db/records.js';
import { visibleOrder } from './orders.js';

export const subscriptionResolvers = {
  Subscription: {
    orderStatusChanged: {
      subscribe: async (_: unknown, { orderId }: { orderId: string }, ctx: OrderContext) => {
        const order = await visibleOrder(ctx, orderId);
        return ctx.signals.changesOf(order.id, async () => (await ordersByIds(ctx.database, [order.id]))[0]!);
      },
      resolve: (order: OrderRecord, _: unknown, ctx: OrderContext) => {
        // Each event is read afresh, lines included.
        ctx.refreshLoaders();
        return order;
      },
    },
  },
};
