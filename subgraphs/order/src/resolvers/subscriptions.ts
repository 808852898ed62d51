/**
 * Subscription.orderStatusChanged: the order now, then after every committed change (fed by LISTEN),
 * never the same state twice in a row, and complete once the order reached a final status
 * (CANCELLED, REJECTED, FULFILLED): it can no longer change.
 */
import type { OrderContext } from '../context.js';
import { isFinal } from '../domain/order-lifecycle.js';
import { orderLinesOf, ordersByIds } from '../db/orders.js';
import type { OrderLineRecord, OrderRecord } from '../db/records.js';
import { visibleOrder } from './orders.js';
import type { SubscriptionOrderStatusChangedArgs } from '../generated/resolvers-types.js';

/** One event: the order with its lines, read together (the lines are part of what a subscriber sees). */
interface OrderState {
  order: OrderRecord;
  lines: OrderLineRecord[];
}

async function orderState(ctx: OrderContext, orderId: string): Promise<OrderState> {
  const [[order], lines] = await Promise.all([ordersByIds(ctx.database, [orderId]), orderLinesOf(ctx.database, [orderId])]);
  return { order: order!, lines };
}

export const subscriptionResolvers = {
  Subscription: {
    orderStatusChanged: {
      subscribe: async (_: unknown, { orderId }: SubscriptionOrderStatusChangedArgs, ctx: OrderContext) => {
        const order = await visibleOrder(ctx, orderId);
        return ctx.signals.changesOf(order.id, () => orderState(ctx, order.id), {
          // Every column and line: a change a subscriber can see (cancellationRequested, a line, updatedAt) is a new state.
          fingerprint: (state) => JSON.stringify(state),
          isLast: (state) => isFinal(state.order.status),
        });
      },
      resolve: (state: OrderState, _: unknown, ctx: OrderContext) => {
        // Each event is read afresh; its lines were read with it.
        ctx.refreshLoaders();
        ctx.loaders.orderLines.prime(state.order.id, state.lines);
        return state.order;
      },
    },
  },
};
