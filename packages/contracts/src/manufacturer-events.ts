/** Events the manufacturer service publishes (PROTOCOL.md, "manufacturer publishes"). */
import { z } from 'zod';
import { id, totalCents, unitPriceCents, units, unitsDelta, roundNumber } from './fields.js';

export const SupplyChangeReason = z.enum(['CREATED', 'PRODUCED', 'UPDATED', 'DISCONTINUED', 'SETTLED']);
export type SupplyChangeReason = z.infer<typeof SupplyChangeReason>;

/** SupplyChanged v1: every change of a product's supply or catalog facts. */
export const SupplyChangedV1 = z.object({
  productId: id(),
  manufacturerId: id(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  unitPriceCents: unitPriceCents(),
  /** Units the manufacturer can still sell, after the change. */
  supply: units(),
  /** The change of `supply` this event announces (0 for catalog-only changes). */
  delta: unitsDelta(),
  reason: SupplyChangeReason,
  discontinued: z.boolean(),
});
export type SupplyChangedV1 = z.infer<typeof SupplyChangedV1>;

/** SettlementApplied v1: the manufacturer has booked what it sold in a round. */
export const SettlementAppliedV1 = z.object({
  roundNumber: roundNumber(),
  manufacturerId: id(),
  settlementId: id(),
  lines: z.array(z.object({ productId: id(), unitsSold: units(), revenueCents: totalCents() })),
});
export type SettlementAppliedV1 = z.infer<typeof SettlementAppliedV1>;
