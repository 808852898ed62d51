/**
 * placeOrder: write the PENDING order, its lines and OrderPlaced atomically (once per
 * customer and idempotency key, even under concurrency), then wait, bounded, for inventory's answer.
 */
import { randomUUID } from 'node:crypto';
import { badUserInput, conflict, notFound } from '@distribution/errors';
import type { OrderContext } from '../context.js';
import { requireCustomerRole } from '../access.js';
import { OrderStatus } from '../domain/order-lifecycle.js';
import { sqlOf, type Sql } from '@distribution/db';
import { checkPlaceOrderRequest, sameLines, type RequestedLine } from '../domain/order-request.js';
import { addCustomer, lockCustomer } from '../db/customers.js';
import { catalogEntries } from '../db/catalog.js';
import { cartLinesOf, emptyCart } from '../db/carts.js';
import { insertPendingOrder, orderByKey, ordersByIds } from '../db/orders.js';
import type { OrderRecord } from '../db/records.js';
import { orderPlaced } from '@distribution/contracts';
import { placeOrderResultOf } from './results.js';
import type { MutationPlaceOrderArgs } from '../generated/resolvers-types.js';

type Request = Extract<ReturnType<typeof checkPlaceOrderRequest>, { ok: true }>;

/** The order as committed now, bypassing the request's loaders (which may hold an older copy). */
export async function currentOrder(ctx: OrderContext, id: string): Promise<OrderRecord> {
  const [order] = await ordersByIds(ctx.database, [id]);
  ctx.loaders.orders.clear(id).prime(id, order!);
  ctx.loaders.orderLines.clear(id);
  return order!;
}

/** The same key again: the same order if it asks for the same thing, else CONFLICT. */
function sameRequestOrConflict(existing: OrderRecord, request: Request): string {
  const same = existing.fromCart === request.fromCart && (request.fromCart || sameLines(existing.requestedLines, request.lines));
  if (!same) throw conflict('This idempotency key was already used for a different order', { field: 'idempotencyKey', orderId: existing.id });
  return existing.id;
}

/** The lines at today's catalog prices, or the error that refuses them (unknown or discontinued product). */
async function priceLines(m: Sql, lines: RequestedLine[]): Promise<Array<RequestedLine & { unitPriceCents: number }> | Error> {
  const catalog = await catalogEntries(
    m,
    lines.map((l) => l.productId),
  );
  const priced: Array<RequestedLine & { unitPriceCents: number }> = [];
  for (const line of lines) {
    const entry = catalog.get(line.productId);
    if (!entry || entry.unitPriceCents === null) return notFound('Product', line.productId);
    if (entry.discontinued) return badUserInput(`Product ${line.productId} is discontinued`, { field: 'lines', productId: line.productId });
    // The order keeps the price of this moment, whatever the catalog says later.
    priced.push({ ...line, unitPriceCents: entry.unitPriceCents });
  }
  return priced;
}

/**
 * Writes the order under `newId` (or finds the one this key already made); returns its id.
 * `m` is a transaction for a checkout of the cart; for explicit lines it is the database itself:
 * the catalog read, then one statement that writes the order, its lines and OrderPlaced.
 */
async function writeOrder(m: Sql, schema: string, customer: { id: string; subject: string }, request: Request, newId: string): Promise<string> {
  const customerId = customer.id;
  // Checkouts from the cart lock the customer, so one cart is never ordered twice. Orders of
  // explicit lines need no read of the customer: the order's foreign key tells a new one.
  if (request.fromCart) await lockCustomer(m, customerId, customer.subject);

  const lines = request.fromCart ? (await cartLinesOf(m, [customerId])).map((l) => ({ productId: l.productId, quantity: l.quantity })) : request.lines;
  if (lines.length === 0) {
    // An empty cart may still be a retry of a checkout that emptied it.
    const existing = await orderByKey(m, customerId, request.idempotencyKey);
    if (existing) return sameRequestOrConflict(existing, request);
    throw badUserInput('The cart is empty', { field: 'fromCart' });
  }
  const priced = await priceLines(m, lines);
  if (priced instanceof Error) {
    // A retry of an order placed before the product was discontinued is still that order.
    const existing = await orderByKey(m, customerId, request.idempotencyKey);
    if (existing) return sameRequestOrConflict(existing, request);
    throw priced;
  }

  const order = { id: newId, customerId, idempotencyKey: request.idempotencyKey, fromCart: request.fromCart, requestedLines: lines };
  const write = () => insertPendingOrder(m, schema, order, priced, [orderPlaced({ orderId: newId, customerId, lines: priced })]);
  const orderId = await write().catch(async (error: unknown) => {
    if (!isUnknownCustomer(error)) throw error;
    // The customer's first order: its row is made now, then the order is written as usual.
    await addCustomer(m, customerId, customer.subject);
    return write();
  });
  if (!orderId) {
    // This key was used before, or by a concurrent request that committed first (we waited on
    // the unique index): answer with that order.
    const twin = await orderByKey(m, customerId, request.idempotencyKey);
    return sameRequestOrConflict(twin!, request);
  }
  if (request.fromCart) await emptyCart(m, customerId);
  return orderId;
}

/** The order's foreign key to its customer failed: the customer has no row here yet. */
function isUnknownCustomer(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23503' && driverError.constraint === 'customer_order_customer_id_fkey';
}

export const placeOrderResolvers = {
  Mutation: {
    placeOrder: async (_: unknown, { input }: MutationPlaceOrderArgs, ctx: OrderContext) => {
      const customerId = requireCustomerRole(ctx.identity);
      const customer = { id: customerId, subject: ctx.identity!.sub };
      const request = checkPlaceOrderRequest(input);
      if (!request.ok) throw badUserInput(request.problem, { field: request.field });
      // Hear the new order's outcome from before it is written: no first read is needed then.
      const newId = randomUUID();
      const watch = await ctx.signals.watchOrder(newId);
      try {
        const { schema } = ctx.database;
        const orderId = request.fromCart
          ? await ctx.database.transaction((m) => writeOrder(sqlOf(m), schema, customer, request, newId))
          : await writeOrder(ctx.database, schema, customer, request, newId);
        if (request.fromCart) ctx.loaders.cartLines.clear(customerId);
        const decidedOrder = async () => {
          const order = await currentOrder(ctx, orderId);
          return order.status === OrderStatus.Pending ? null : order;
        };
        const waitStarted = performance.now();
        const decided =
          orderId === newId
            ? await watch.until(ctx.settings.placeOrderWaitMs, decidedOrder, { checkFirst: false })
            : await ctx.signals.waitFor(orderId, ctx.settings.placeOrderWaitMs, decidedOrder);
        ctx.metrics.placeOrderWait((performance.now() - waitStarted) / 1000, decided !== null);
        return placeOrderResultOf(decided ?? (await currentOrder(ctx, orderId)));
      } finally {
        watch.stop();
      }
    },
  },
};
