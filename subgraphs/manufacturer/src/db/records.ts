/**
 * Catalog records as the rest of the service sees them, and the rows its raw statements select:
 * each cut from the entities, so a column's type is written once, on its entity.
 */
import type { Columns } from '@distribution/db';
import type { FindOptionsSelect } from 'typeorm';
import type { ManufacturerEntity, ProductEntity, SettlementEntity, SettlementLineEntity } from './entities/index.js';

export type Manufacturer = Pick<ManufacturerEntity, 'id' | 'name' | 'createdAt'>;

export type Product = Omit<ProductEntity, 'updatedAt'>;

export type SettlementLine = Pick<SettlementLineEntity, 'productId' | 'unitsSold'> & { revenueCents: number };

/** A settlement with its lines; bigint sums as numbers (they stay far below 2^53). */
export type Settlement = Pick<SettlementEntity, 'id' | 'roundNumber' | 'manufacturerId' | 'appliedAt'> & {
  unitsSold: number;
  revenueCents: number;
  lines: SettlementLine[];
};

/** What a repository read of a manufacturer or a product selects: the record's properties. */
export const MANUFACTURER_SELECT = { id: true, name: true, createdAt: true } satisfies Record<keyof Manufacturer, true> & FindOptionsSelect<ManufacturerEntity>;
export const PRODUCT_SELECT = {
  id: true,
  manufacturerId: true,
  sku: true,
  name: true,
  category: true,
  unitPriceCents: true,
  supply: true,
  discontinued: true,
  createdAt: true,
} satisfies Record<keyof Product, true> & FindOptionsSelect<ProductEntity>;

/** The columns every raw product statement selects, in the shape `toProduct` reads. */
export const PRODUCT_COLUMNS = 'id, manufacturer_id, sku, name, category, unit_price_cents, supply, discontinued, created_at';
export type ProductColumns = Columns<ProductEntity, keyof Product>;

export const toProduct = (r: ProductColumns): Product => ({
  id: r.id,
  manufacturerId: r.manufacturer_id,
  sku: r.sku,
  name: r.name,
  category: r.category,
  unitPriceCents: r.unit_price_cents,
  supply: r.supply,
  discontinued: r.discontinued,
  createdAt: r.created_at,
});

export const toManufacturer = (r: Columns<ManufacturerEntity, keyof Manufacturer>): Manufacturer => ({ id: r.id, name: r.name, createdAt: r.created_at });

/** A settlement as the raw statements select it: its columns, and its lines aggregated as JSON. */
export type SettlementColumns = Columns<SettlementEntity, 'id' | 'roundNumber' | 'manufacturerId' | 'unitsSold' | 'revenueCents' | 'appliedAt'> & {
  lines: Array<{ productId: string; unitsSold: number; revenueCents: number | string }>;
};

/** bigint columns arrive as strings; sums stay far below 2^53. */
export const toSettlement = (r: SettlementColumns): Settlement => ({
  id: r.id,
  roundNumber: r.round_number,
  manufacturerId: r.manufacturer_id,
  unitsSold: Number(r.units_sold),
  revenueCents: Number(r.revenue_cents),
  appliedAt: r.applied_at,
  lines: r.lines.map((l) => ({ productId: l.productId, unitsSold: Number(l.unitsSold), revenueCents: Number(l.revenueCents) })),
});
