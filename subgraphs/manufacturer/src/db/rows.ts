/** Catalog records as the rest of the service sees them, and how rows become them. */

export interface Manufacturer {
  id: string;
  name: string;
  createdAt: Date;
}

export interface Product {
  id: string;
  manufacturerId: string;
  sku: string;
  name: string;
  category: string;
  unitPriceCents: number;
  supply: number;
  discontinued: boolean;
  createdAt: Date;
}

export interface SettlementLine {
  productId: string;
  unitsSold: number;
  revenueCents: number;
}

export interface Settlement {
  id: string;
  roundNumber: number;
  manufacturerId: string;
  unitsSold: number;
  revenueCents: number;
  appliedAt: Date;
  lines: SettlementLine[];
}

/** The columns every product query selects, in the shape `toProduct` reads. */
export const PRODUCT_COLUMNS = 'id, manufacturer_id, sku, name, category, unit_price_cents, supply, discontinued, created_at';
export const MANUFACTURER_COLUMNS = 'id, name, created_at';

export interface ProductRow {
  id: string;
  manufacturer_id: string;
  sku: string;
  name: string;
  category: string;
  unit_price_cents: number;
  supply: number;
  discontinued: boolean;
  created_at: Date;
}

export const toProduct = (r: ProductRow): Product => ({
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

export const toManufacturer = (r: { id: string; name: string; created_at: Date }): Manufacturer => ({ id: r.id, name: r.name, createdAt: r.created_at });

export interface SettlementRow {
  id: string;
  round_number: number;
  manufacturer_id: string;
  units_sold: string | number;
  revenue_cents: string | number;
  applied_at: Date;
  lines: Array<{ productId: string; unitsSold: number; revenueCents: number | string }>;
}

/** bigint columns arrive as strings; sums stay far below 2^53. */
export const toSettlement = (r: SettlementRow): Settlement => ({
  id: r.id,
  roundNumber: r.round_number,
  manufacturerId: r.manufacturer_id,
  unitsSold: Number(r.units_sold),
  revenueCents: Number(r.revenue_cents),
  appliedAt: r.applied_at,
  lines: r.lines.map((l) => ({ productId: l.productId, unitsSold: Number(l.unitsSold), revenueCents: Number(l.revenueCents) })),
});

/** Anything that runs SQL: the database itself or a transaction's manager. */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}
