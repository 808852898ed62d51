/** Product.stock, StockItem, offers and setLowStockThreshold. */
import { Role, requireRole } from '@distribution/auth';
import { badUserInput } from '@distribution/errors';
import { isUuid } from '@distribution/db';
import { availableOf, stockStatus, type StockRow } from '../domain/stock.js';
import { offersOf } from '../db/products.js';
import { setLowStockThreshold } from '../stock/set-threshold.js';
import { MAX_THRESHOLD } from '../settings.js';
import type { InventoryContext } from '../context.js';
import type { MutationSetLowStockThresholdArgs, QueryOffersArgs } from '../generated/resolvers-types.js';

const MAX_CATEGORY_LENGTH = 100;
/** A category is a handful of manufacturers' versions of one good; this only guards the response size. */
const MAX_OFFERS = 500;

export const stockResolvers = {
  Product: {
    // Every product has stock (maybe none), so a reference resolves without a query; `stock` batches.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    stock: (product: { id: string }, _: unknown, ctx: InventoryContext) => ctx.loaders.stock.load(product.id),
  },
  StockItem: {
    product: (row: StockRow) => ({ id: row.productId }),
    available: (row: StockRow) => availableOf(row),
    status: (row: StockRow) => stockStatus(availableOf(row), row.lowStockThreshold),
  },
  Query: {
    offers: async (_: unknown, { category }: QueryOffersArgs, ctx: InventoryContext) => {
      if (category.trim() === '' || category.length > MAX_CATEGORY_LENGTH) {
        throw badUserInput(`category must be 1 to ${MAX_CATEGORY_LENGTH} characters`, { argument: 'category' });
      }
      const rows = await offersOf(ctx.database, category, MAX_OFFERS, ctx.deps.defaultThreshold);
      for (const row of rows) ctx.loaders.stock.prime(row.productId, row);
      return rows.map((row) => ({ id: row.productId }));
    },
  },
  Mutation: {
    setLowStockThreshold: async (_: unknown, { productId, threshold }: MutationSetLowStockThresholdArgs, ctx: InventoryContext) => {
      const who = requireRole(ctx.identity, Role.Operator, Role.Manufacturer);
      if (!isUuid(productId)) throw badUserInput('productId is not a product id', { argument: 'productId' });
      if (!Number.isInteger(threshold) || threshold < 0 || threshold > MAX_THRESHOLD) {
        throw badUserInput(`threshold must be a whole number from 0 to ${MAX_THRESHOLD}`, { argument: 'threshold' });
      }
      const row = await setLowStockThreshold(ctx.database, ctx.deps, who, productId.toLowerCase(), threshold);
      ctx.loaders.stock.clear(row.productId).prime(row.productId, row);
      return row;
    },
  },
};
