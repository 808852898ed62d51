/** The cart: its lines checked against today's availability, and the mutations that change it. */
import { badUserInput, notFound } from '@distribution/errors';
import { isUuid, sqlOf, type Sql } from '@distribution/db';
import type { OrderContext } from '../context.js';
import { requireCustomerRole } from '../access.js';
import { cartLineProblem, decideCartQuantity, summarizeCart } from '../domain/cart.js';
import { LIMITS, checkQuantity } from '../domain/order-request.js';
import { lockCustomer } from '../db/customers.js';
import { catalogEntries } from '../db/catalog.js';
import { cartLineState, removeCartLine, setCartLine } from '../db/carts.js';
import type { CartLineRecord } from '../db/records.js';
import { insufficientStock, type InsufficientStockResult } from './results.js';
import { product } from './orders.js';
import type { MutationAddToCartArgs, MutationRemoveFromCartArgs, MutationSetCartLineQuantityArgs } from '../generated/resolvers-types.js';

interface CartRef {
  customerId: string;
}
const cartOf = (customerId: string) => ({ __typename: 'Cart' as const, customerId });

function productIdArgument(productId: string): string {
  if (!isUuid(productId)) throw badUserInput('productId is not a valid id', { field: 'productId' });
  return productId.toLowerCase();
}

/** Runs a cart change with the customer's row locked (one cart change or checkout at a time per customer). */
async function changeCart<T>(ctx: OrderContext, work: (m: Sql, customerId: string) => Promise<T>): Promise<T> {
  const customerId = requireCustomerRole(ctx.identity);
  const result = await ctx.database.transaction(async (manager) => {
    const m = sqlOf(manager);
    await lockCustomer(m, customerId, ctx.identity!.sub);
    return work(m, customerId);
  });
  ctx.loaders.cartLines.clear(customerId);
  return result;
}

/** Sets the product's line to `wanted` units if the rules allow it; the refusal otherwise (nothing written). */
async function setLine(m: Sql, customerId: string, productId: string, wanted: (current: number) => number): Promise<InsufficientStockResult | null> {
  const entry = (await catalogEntries(m, [productId])).get(productId);
  if (!entry || entry.unitPriceCents === null) throw notFound('Product', productId);
  const { quantity: current, lineCount } = await cartLineState(m, customerId, productId);
  const quantity = wanted(current);
  if (quantity > LIMITS.maxQuantity) throw badUserInput(`A cart line holds at most ${LIMITS.maxQuantity} units`, { field: 'quantity' });
  if (current === 0 && lineCount >= LIMITS.maxLines) throw badUserInput(`A cart holds at most ${LIMITS.maxLines} products`, { field: 'productId' });
  const decision = decideCartQuantity({ current, wanted: quantity, available: entry.available, discontinued: entry.discontinued });
  if (decision.kind === 'discontinued') throw badUserInput('This product is discontinued', { field: 'productId', productId });
  if (decision.kind === 'insufficient') return insufficientStock([{ productId, requested: quantity, available: decision.available }]);
  await setCartLine(m, customerId, productId, quantity);
  return null;
}

export const cartResolvers = {
  Mutation: {
    addToCart: async (_: unknown, args: MutationAddToCartArgs, ctx: OrderContext) => {
      requireCustomerRole(ctx.identity);
      const productId = productIdArgument(args.productId);
      const problem = checkQuantity(args.quantity);
      if (problem) throw badUserInput(problem, { field: 'quantity' });
      return changeCart(ctx, async (m, customerId) => (await setLine(m, customerId, productId, (current) => current + args.quantity)) ?? cartOf(customerId));
    },
    setCartLineQuantity: async (_: unknown, args: MutationSetCartLineQuantityArgs, ctx: OrderContext) => {
      requireCustomerRole(ctx.identity);
      const productId = productIdArgument(args.productId);
      const problem = checkQuantity(args.quantity, { zeroRemoves: true });
      if (problem) throw badUserInput(problem, { field: 'quantity' });
      return changeCart(ctx, async (m, customerId) => {
        if (args.quantity === 0) {
          await removeCartLine(m, customerId, productId);
          return cartOf(customerId);
        }
        return (await setLine(m, customerId, productId, () => args.quantity)) ?? cartOf(customerId);
      });
    },
    removeFromCart: async (_: unknown, args: MutationRemoveFromCartArgs, ctx: OrderContext) => {
      requireCustomerRole(ctx.identity);
      const productId = productIdArgument(args.productId);
      return changeCart(ctx, async (m, customerId) => {
        await removeCartLine(m, customerId, productId);
        return cartOf(customerId);
      });
    },
  },
  Cart: {
    lines: (cart: CartRef, _: unknown, ctx: OrderContext) => ctx.loaders.cartLines.load(cart.customerId),
    total: async (cart: CartRef, _: unknown, ctx: OrderContext) => summarizeCart(await ctx.loaders.cartLines.load(cart.customerId)).totalCents,
    canCheckout: async (cart: CartRef, _: unknown, ctx: OrderContext) => summarizeCart(await ctx.loaders.cartLines.load(cart.customerId)).canCheckout,
    removedLines: (cart: CartRef, _: unknown, ctx: OrderContext) => ctx.loaders.cartRemovals.load(cart.customerId),
  },
  CartLine: {
    product: (line: CartLineRecord) => product(line.productId),
    unitPrice: (line: CartLineRecord) => line.unitPriceCents,
    problem: (line: CartLineRecord) => cartLineProblem(line),
  },
};
