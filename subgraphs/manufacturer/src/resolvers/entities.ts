/** Field resolvers of Manufacturer, Product, Settlement; related entities always come through loaders. */
import { pageSize, toConnection } from '@distribution/server';
import type { ManufacturerContext } from '../context.js';
import { requireSettlementReader } from '../domain/access.js';
import type { Manufacturer as ManufacturerRecord, Product as ProductRecord, Settlement as SettlementRecord, SettlementLine as LineRecord } from '../db/records.js';
import type { ManufacturerProductsArgs, ManufacturerSettlementsArgs } from '../generated/resolvers-types.js';
import { existing } from '../loaders.js';
import { nameCursor, namePosition, roundCursor, roundPosition } from './pages.js';

export const Manufacturer = {
  __resolveReference: (ref: { id: string }, ctx: ManufacturerContext) => ctx.loaders.manufacturerById.load(ref.id),

  async products(m: ManufacturerRecord, { first, after, includeDiscontinued }: ManufacturerProductsArgs, ctx: ManufacturerContext) {
    const limit = pageSize(first);
    const page = { count: limit + 1, after: namePosition(after), includeDiscontinued: includeDiscontinued ?? false };
    const rows = await ctx.loaders.productsOfManufacturer.load({ manufacturerId: m.id, page });
    for (const row of rows) ctx.loaders.productById.prime(row.id, row);
    return toConnection(rows, limit, nameCursor);
  },

  async settlements(m: ManufacturerRecord, { first, after }: ManufacturerSettlementsArgs, ctx: ManufacturerContext) {
    requireSettlementReader(ctx.identity, m.id);
    const limit = pageSize(first);
    const rows = await ctx.loaders.settlementsOfManufacturer.load({ manufacturerId: m.id, page: { count: limit + 1, beforeRound: roundPosition(after) } });
    return toConnection(rows, limit, roundCursor);
  },
};

export const Product = {
  __resolveReference: (ref: { id: string }, ctx: ManufacturerContext) => ctx.loaders.productById.load(ref.id),
  unitPrice: (p: ProductRecord) => p.unitPriceCents,
  manufacturer: (p: ProductRecord, _: unknown, ctx: ManufacturerContext) => existing(ctx.loaders.manufacturerById.load(p.manufacturerId), `Manufacturer ${p.manufacturerId}`),
  createdAt: (p: ProductRecord) => p.createdAt.toISOString(),
};

export const Settlement = {
  manufacturer: (s: SettlementRecord, _: unknown, ctx: ManufacturerContext) => existing(ctx.loaders.manufacturerById.load(s.manufacturerId), `Manufacturer ${s.manufacturerId}`),
  revenue: (s: SettlementRecord) => s.revenueCents,
  appliedAt: (s: SettlementRecord) => s.appliedAt.toISOString(),
};

export const SettlementLine = {
  product: (l: LineRecord, _: unknown, ctx: ManufacturerContext) => existing(ctx.loaders.productById.load(l.productId), `Product ${l.productId}`),
  revenue: (l: LineRecord) => l.revenueCents,
};
