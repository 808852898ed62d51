/** Catalog reads; public. */
import { pageSize, toConnection } from '@distribution/server';
import type { ManufacturerContext } from '../context.js';
import { validCatalogFilter } from '../domain/catalog.js';
import { isUuid } from '@distribution/db';
import { manufacturersPage } from '../db/manufacturers.js';
import { activeCategories, productsPage } from '../db/products.js';
import type { QueryManufacturerArgs, QueryManufacturersArgs, QueryProductArgs, QueryProductsArgs } from '../generated/resolvers-types.js';
import { nameCursor, namePosition } from './pages.js';

export const Query = {
  async manufacturers(_: unknown, { first, after }: QueryManufacturersArgs, ctx: ManufacturerContext) {
    const limit = pageSize(first);
    const rows = await manufacturersPage(ctx.database, limit + 1, namePosition(after));
    for (const row of rows) ctx.loaders.manufacturerById.prime(row.id, row);
    return toConnection(rows, limit, nameCursor);
  },

  manufacturer: (_: unknown, { id }: QueryManufacturerArgs, ctx: ManufacturerContext) => ctx.loaders.manufacturerById.load(id),

  async products(_: unknown, { filter, first, after }: QueryProductsArgs, ctx: ManufacturerContext) {
    const limit = pageSize(first);
    const rows = await productsPage(ctx.database, validCatalogFilter(filter, isUuid), limit + 1, namePosition(after));
    for (const row of rows) ctx.loaders.productById.prime(row.id, row);
    return toConnection(rows, limit, nameCursor);
  },

  product: (_: unknown, { id }: QueryProductArgs, ctx: ManufacturerContext) => ctx.loaders.productById.load(id),

  categories: (_: unknown, __: unknown, ctx: ManufacturerContext) => activeCategories(ctx.database),
};
