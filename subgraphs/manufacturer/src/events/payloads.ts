/** The events this service publishes, exactly as packages/events/PROTOCOL.md describes them. */
import type { NewEvent } from '@distribution/events';
import type { Product } from '../db/records.js';
import type { SettlementPlan } from '../domain/settlement.js';

export type SupplyChangeReason = 'CREATED' | 'PRODUCED' | 'UPDATED' | 'DISCONTINUED' | 'SETTLED';

/** SupplyChanged v1: every change of a product's supply or catalog facts. */
export interface SupplyChangedV1 {
  productId: string;
  manufacturerId: string;
  sku: string;
  name: string;
  category: string;
  unitPriceCents: number;
  /** Units the manufacturer can still sell, after the change. */
  supply: number;
  /** The change of supply this event announces (0 for catalog-only changes). */
  delta: number;
  reason: SupplyChangeReason;
  discontinued: boolean;
}

/** SettlementApplied v1: a manufacturer has booked what it sold in a round. */
export interface SettlementAppliedV1 {
  roundNumber: number;
  manufacturerId: string;
  settlementId: string;
  lines: Array<{ productId: string; unitsSold: number; revenueCents: number }>;
}

/** The SupplyChanged event announcing `product` as it is after the change. */
export function supplyChanged(product: Product, delta: number, reason: SupplyChangeReason): NewEvent<SupplyChangedV1> {
  return {
    type: 'SupplyChanged',
    version: 1,
    payload: {
      productId: product.id,
      manufacturerId: product.manufacturerId,
      sku: product.sku,
      name: product.name,
      category: product.category,
      unitPriceCents: product.unitPriceCents,
      supply: product.supply,
      delta,
      reason,
      discontinued: product.discontinued,
    },
  };
}

export function settlementApplied(roundNumber: number, settlementId: string, plan: SettlementPlan): NewEvent<SettlementAppliedV1> {
  return {
    type: 'SettlementApplied',
    version: 1,
    payload: {
      roundNumber,
      manufacturerId: plan.manufacturerId,
      settlementId,
      lines: plan.lines.map((l) => ({ productId: l.productId, unitsSold: l.unitsSold, revenueCents: l.revenueCents })),
    },
  };
}
