/**
 * placeOrder: write the PENDING order, its lines and OrderPlaced in one transaction (once per
 * customer and idempotency key, even under concurrency), then wait, bounded, for inventory's answer.
 */
import { badUserInput, conflict, notFound } from '@distribution/errors';
import type { EntityManager } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import type { OrderContext } from '../context.js';
import { requireCustomerRole } from '../access.js';
import { OrderStatus } from '../domain/order-lifecycle.js';
import { checkPlaceOrderRequest, isUuid, sameLines, type RequestedLine } from '../domain/order-request.js';
import { customerExists, lockCustomer } from '../db/customers.js';
import { catalogEntries } from '../db/catalog.js';
import { cartLinesOf, emptyCart } from '../db/carts.js';
import { insertOrderLines, insertPendingOrder, orderByKey, ordersByIds } from '../db/orders.js';
import type { OrderRecord } from '../db/records.js';
import { orderPlaced } from '../events/payloads.js';
import { placeOrderResultOf } from './results.js';

type Request = Extract<ReturnType<typeof checkPlaceOrderRequest>, { ok: true }>;

interface PlaceOrderInput {
  lines?: RequestedLine[] | null;
  fromCart?: boolean | null;
  idempotencyKey: string;
}

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

/** Writes the order (or finds the one this key already made); returns its id. */
async function writeOrder(m: EntityManager, schema: string, customerId: string, request: Request): Promise<string> {
  // Checkouts from the cart lock the customer, so one cart is never ordered twice.
  const known = isUuid(customerId) && (request.fromCart ? await lockCustomer(m, customerId) : await customerExists(m, customerId));
  if (!known) throw notFound('Customer', customerId);
  const existing = await orderByKey(m, customerId, request.idempotencyKey);
  if (existing) return sameRequestOrConflict(existing, request);

  const lines = request.fromCart
    ? (await cartLinesOf(m, [customerId])).map((l) => ({ productId: l.productId, quantity: l.quantity }))
    : request.lines;
  if (lines.length === 0) throw badUserInput('The cart is empty', { field: 'fromCart' });
  const catalog = await catalogEntries(m, lines.map((l) => l.productId));
  const priced = lines.map((line) => {
    const entry = catalog.get(line.productId);
    if (!entry || entry.unitPriceCents === null) throw notFound('Product', line.productId);
    if (entry.discontinued) throw badUserInput(`Product ${line.productId} is discontinued`, { field: 'lines', productId: line.productId });
    // The order keeps the price of this moment, whatever the catalog says later.
    return { ...line, unitPriceCents: entry.unitPriceCents };
  });

  const orderId = await insertPendingOrder(m, { customerId, idempotencyKey: request.idempotencyKey, fromCart: request.fromCart, requestedLines: lines });
  if (!orderId) {
    // A concurrent request with this key committed first (we waited on the unique index): answer with its order.
    const twin = await orderByKey(m, customerId, request.idempotencyKey);
    return sameRequestOrConflict(twin!, request);
  }
  await insertOrderLines(m, orderId, priced);
  await recordEvents(m, schema, [orderPlaced({ orderId, customerId, lines: priced })]);
  if (request.fromCart) await emptyCart(m, customerId);
  return orderId;
}

export const placeOrderResolvers = {
  Mutation: {
    placeOrder: async (_: unknown, { input }: { input: PlaceOrderInput }, ctx: OrderContext) => {
      const customerId = requireCustomerRole(ctx.identity);
      const request = checkPlaceOrderRequest(input);
      if (!request.ok) throw badUserInput(request.problem, { field: request.field });
      const orderId = await ctx.database.transaction((m) => writeOrder(m, ctx.database.schema, customerId, request));
      if (request.fromCart) ctx.loaders.cartLines.clear(customerId);
      const decided = await ctx.signals.waitFor(orderId, ctx.settings.placeOrderWaitMs, async () => {
        const order = await currentOrder(ctx, orderId);
        return order.status === OrderStatus.Pending ? null : order;
      });
      return placeOrderResultOf(decided ?? (await currentOrder(ctx, orderId)));
    },
  },
};
