/** This service's rows as the contract's payloads (@distribution/contracts; PROTOCOL.md). */
import { settlementApplied as settlementAppliedEvent, supplyChanged as supplyChangedEvent, type SupplyChangeReason } from '@distribution/contracts';
import type { Product } from '../db/records.js';
import type { SettlementPlan } from '../domain/settlement.js';

/** The SupplyChanged event announcing `product` as it is after the change. */
export function supplyChanged(product: Product, delta: number, reason: SupplyChangeReason) {
  return supplyChangedEvent({
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
  });
}

export function settlementApplied(roundNumber: number, settlementId: string, plan: SettlementPlan) {
  return settlementAppliedEvent({
    roundNumber,
    manufacturerId: plan.manufacturerId,
    settlementId,
    lines: plan.lines.map((l) => ({ productId: l.productId, unitsSold: l.unitsSold, revenueCents: l.revenueCents })),
  });
}
