/** Reading orders: Query.order / orders, the Order entity and its fields, order connections. */
import { Role, type Identity, customerIdOf } from '@distribution/auth';
import { badUserInput, notFound } from '@distribution/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '@distribution/server';
import type { OrderContext } from '../context.js';
import { assertMaySeeOrder, requireOrderReader } from '../access.js';
import { isUuid } from '@distribution/db';
import { hasShortage } from '../domain/place-order-result.js';
import { orderPage } from '../db/orders.js';
import type { OrderLineRecord, OrderRecord, ShortageRecord } from '../db/records.js';
import type { CustomerOrdersArgs, QueryOrderArgs, QueryOrdersArgs } from '../generated/resolvers-types.js';

export const product = (productId: string) => ({ __typename: 'Product' as const, id: productId });

/** Loads an order the caller may see: NOT_FOUND when there is none (malformed ids too), FORBIDDEN when it is another's. */
export async function visibleOrder(ctx: OrderContext, id: string): Promise<OrderRecord> {
  requireOrderReader(ctx.identity);
  const order = isUuid(id) ? await ctx.loaders.orders.load(id.toLowerCase()) : null;
  if (!order) throw notFound('Order', id);
  assertMaySeeOrder(ctx.identity, order);
  return order;
}

/** The arguments of Query.orders and Customer.orders (the same three). */
export type OrdersArgs = QueryOrdersArgs | CustomerOrdersArgs;

/** A page of orders, newest first; `customerId` limits it to one customer's orders. */
export async function orderConnection(ctx: OrderContext, args: OrdersArgs, customerId?: string) {
  const limit = pageSize(args.first);
  let beforeSeq: number | undefined;
  if (args.after) {
    const [seq] = decodeCursor(args.after, 1);
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });
    beforeSeq = seq;
  }
  const rows = await orderPage(ctx.database, { customerId, status: args.status ?? undefined, beforeSeq }, limit + 1);
  for (const row of rows) ctx.loaders.orders.prime(row.id, row);
  return toConnection(rows, limit, (row) => encodeCursor([row.seq]));
}

const ownOrAll = (who: Identity) => (who.role === Role.Operator ? undefined : customerIdOf(who));

export const orderResolvers = {
  Query: {
    order: (_: unknown, { id }: QueryOrderArgs, ctx: OrderContext) => visibleOrder(ctx, id),
    orders: (_: unknown, args: QueryOrdersArgs, ctx: OrderContext) => {
      const who = requireOrderReader(ctx.identity);
      return orderConnection(ctx, args, ownOrAll(who));
    },
  },
  Order: {
    __resolveReference: async (ref: { id: string }, ctx: OrderContext) => {
      requireOrderReader(ctx.identity);
      const order = isUuid(ref.id) ? await ctx.loaders.orders.load(ref.id.toLowerCase()) : null;
      if (order) assertMaySeeOrder(ctx.identity, order);
      return order;
    },
    customer: (order: OrderRecord) => ({ id: order.customerId }),
    lines: (order: OrderRecord, _: unknown, ctx: OrderContext) => ctx.loaders.orderLines.load(order.id),
    total: async (order: OrderRecord, _: unknown, ctx: OrderContext) => (await ctx.loaders.orderLines.load(order.id)).reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    placedAt: (order: OrderRecord) => new Date(order.placedAt).toISOString(),
    updatedAt: (order: OrderRecord) => new Date(order.updatedAt).toISOString(),
    rejection: (order: OrderRecord) => (hasShortage(order) ? { lines: order.rejectionLines ?? [] } : null),
  },
  OrderLine: {
    product: (line: OrderLineRecord) => product(line.productId),
    unitPrice: (line: OrderLineRecord) => line.unitPriceCents,
    lineTotal: (line: OrderLineRecord) => line.quantity * line.unitPriceCents,
  },
  StockShortage: {
    product: (shortage: ShortageRecord) => product(shortage.productId),
  },
  Purchase: {
    product: (p: { productId: string }) => product(p.productId),
    unitPrice: (p: { unitPriceCents: number }) => p.unitPriceCents,
  },
};
