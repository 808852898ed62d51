/** cancelOrder and changeOrderLine: record the request and its event, then wait (bounded) for inventory's answer. */
import { randomUUID } from 'node:crypto';
import { badUserInput, conflict, forbidden, notFound } from '@distribution/errors';
import { isUuid, sqlOf, type Sql } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import type { OrderContext } from '../context.js';
import { requireCustomerRole } from '../access.js';
import { OrderStatus, cancellationRefusal, changeRefusal } from '../domain/order-lifecycle.js';
import { checkLineChange, checkQuantity } from '../domain/order-request.js';
import { lockOrder, markCancellationRequested, orderLinesOf } from '../db/orders.js';
import { changeById, insertChange, pendingChangeOf } from '../db/changes.js';
import { waitForRelease } from '../db/order-waits.js';
import type { OrderRecord } from '../db/records.js';
import { announceOrderChanges } from '../events/order-signals.js';
import { orderCancelled, orderLineChangeRequested } from '@distribution/contracts';
import { asOrder, changeResultOf } from './results.js';
import { currentOrder } from './place-order.js';
import type { MutationCancelOrderArgs, MutationChangeOrderLineArgs } from '../generated/resolvers-types.js';

function idArgument(value: string, field: string): string {
  if (!isUuid(value)) throw badUserInput(`${field} is not a valid id`, { field });
  return value.toLowerCase();
}

/** Locks the customer's own order for the rest of the transaction. */
async function lockOwnOrder(m: Sql, orderId: string, customerId: string): Promise<OrderRecord> {
  const order = await lockOrder(m, orderId);
  if (!order) throw notFound('Order', orderId);
  if (order.customerId !== customerId) throw forbidden('This order belongs to another customer');
  return order;
}

export const orderChangeResolvers = {
  Mutation: {
    cancelOrder: async (_: unknown, args: MutationCancelOrderArgs, ctx: OrderContext) => {
      const customerId = requireCustomerRole(ctx.identity);
      const orderId = idArgument(args.id, 'id');
      await ctx.database.transaction(async (manager) => {
        const m = sqlOf(manager);
        const order = await lockOwnOrder(m, orderId, customerId);
        const refusal = cancellationRefusal(order);
        if (refusal) throw badUserInput(refusal, { status: order.status });
        // Asked again while inventory has not answered: nothing new to announce.
        if (order.cancellationRequested) return;
        await markCancellationRequested(m, orderId);
        await waitForRelease(m, orderId);
        await recordEvents(m, ctx.database.schema, [orderCancelled({ orderId, customerId: order.customerId })]);
        await announceOrderChanges(m, [orderId]);
      });
      // CANCELLED once inventory releases the stock; FULFILLED if the round closed first.
      const decided = await ctx.signals.waitFor(orderId, ctx.settings.placeOrderWaitMs, async () => {
        const order = await currentOrder(ctx, orderId);
        return order.status === OrderStatus.Confirmed ? null : order;
      });
      return decided ?? (await currentOrder(ctx, orderId));
    },

    changeOrderLine: async (_: unknown, args: MutationChangeOrderLineArgs, ctx: OrderContext) => {
      const customerId = requireCustomerRole(ctx.identity);
      const orderId = idArgument(args.orderId, 'orderId');
      const productId = idArgument(args.productId, 'productId');
      const problem = checkQuantity(args.quantity, { zeroRemoves: true });
      if (problem) throw badUserInput(problem, { field: 'quantity' });

      const changeId = await ctx.database.transaction(async (manager) => {
        const m = sqlOf(manager);
        const order = await lockOwnOrder(m, orderId, customerId);
        const refusal = changeRefusal(order);
        if (refusal) throw badUserInput(refusal, { status: order.status });
        const lines = await orderLinesOf(m, [orderId]);
        const decision = checkLineChange(lines, productId, args.quantity);
        if (decision.kind === 'refused') throw badUserInput(decision.problem, { field: 'productId' });
        if (decision.kind === 'unchanged') return null;
        if (await pendingChangeOf(m, orderId)) throw conflict('Another change of this order is still waiting for inventory; try again in a moment');
        const id = randomUUID();
        const line = lines.find((l) => l.productId === productId)!;
        await insertChange(m, { id, orderId, productId, quantity: args.quantity });
        // Added units keep the line's original price (see the outcome consumer).
        await recordEvents(m, ctx.database.schema, [orderLineChangeRequested({ orderId, changeId: id, productId, quantity: args.quantity, unitPriceCents: line.unitPriceCents })]);
        return id;
      });
      if (!changeId) return asOrder(await currentOrder(ctx, orderId));
      const change = await ctx.signals.waitFor(orderId, ctx.settings.placeOrderWaitMs, async () => {
        const current = await changeById(ctx.database, changeId);
        return current && current.status !== 'PENDING' ? current : null;
      });
      const order = await currentOrder(ctx, orderId);
      return change ? changeResultOf(change, order) : asOrder(order);
    },
  },
};
