/** Events the inventory service publishes (PROTOCOL.md, "inventory publishes"). */
import { z } from 'zod';
import { id, instant, roundNumber, totalCents, units, unitsDelta } from './fields.js';

/** StockReserved v1: all lines of an order (or of an order change) are reserved. */
export const StockReservedV1 = z.object({
  orderId: id(),
  /** Set when this answers an order change; null for a new order. */
  changeId: id().nullable(),
  roundNumber: roundNumber(),
  lines: z.array(
    z.object({
      productId: id(),
      /** What the order now holds of the product. */
      quantity: units(),
      /** Only for a change: the units it reserved (> 0) or released (< 0). Absent in events written before it existed. */
      delta: unitsDelta().optional(),
    }),
  ),
});
export type StockReservedV1 = z.infer<typeof StockReservedV1>;

export const RejectionReason = z.enum(['INSUFFICIENT_STOCK', 'NO_OPEN_ROUND', 'UNKNOWN_PRODUCT']);
export type RejectionReason = z.infer<typeof RejectionReason>;

/** StockRejected v1: nothing was reserved. */
export const StockRejectedV1 = z.object({
  orderId: id(),
  changeId: id().nullable(),
  reason: RejectionReason,
  lines: z.array(z.object({ productId: id(), requested: units(), available: units() })),
});
export type StockRejectedV1 = z.infer<typeof StockRejectedV1>;

/** Reasons of StockRejected v2: v1's, and TIMED_OUT (inventory never got the order before it was overdue). */
export const RejectionReasonV2 = z.enum([...RejectionReason.options, 'TIMED_OUT']);
export type RejectionReasonV2 = z.infer<typeof RejectionReasonV2>;

/** StockRejected v2: as v1, with one more reason; inventory sends v2 only for TIMED_OUT, so v1 readers miss nothing else. */
export const StockRejectedV2 = StockRejectedV1.extend({ reason: RejectionReasonV2 });
export type StockRejectedV2 = z.infer<typeof StockRejectedV2>;

/** StockReleased v1: a cancelled order's reservation is given back. */
export const StockReleasedV1 = z.object({
  orderId: id(),
  lines: z.array(z.object({ productId: id(), quantity: units() })),
});
export type StockReleasedV1 = z.infer<typeof StockReleasedV1>;

export const StockStatus = z.enum(['IN_STOCK', 'LOW', 'DEPLETED']);
export type StockStatus = z.infer<typeof StockStatus>;

/** AvailabilityChanged v1 (and LowStock v1, the same payload): a stock row as watchers see it. */
export const AvailabilityChangedV1 = z.object({
  productId: id(),
  manufacturerId: id(),
  category: z.string(),
  onHand: units(),
  reserved: units(),
  available: units(),
  lowStockThreshold: units(),
  status: StockStatus,
  /** The round the row's units belong to; null before the product was ever in a round. */
  roundNumber: roundNumber().nullable(),
});
export type AvailabilityChangedV1 = z.infer<typeof AvailabilityChangedV1>;

export const LowStockV1 = AvailabilityChangedV1;
export type LowStockV1 = AvailabilityChangedV1;

/** StockDepleted v1: available stock reached zero. */
export const StockDepletedV1 = z.object({
  productId: id(),
  manufacturerId: id(),
  category: z.string(),
  roundNumber: roundNumber().nullable(),
});
export type StockDepletedV1 = z.infer<typeof StockDepletedV1>;

/** RoundOpened v1. */
export const RoundOpenedV1 = z.object({ roundNumber: roundNumber(), openedAt: instant(), endsAt: instant() });
export type RoundOpenedV1 = z.infer<typeof RoundOpenedV1>;

export const RoundCloseReason = z.enum(['OPERATOR', 'PERIOD_ENDED', 'DEPLETED']);
export type RoundCloseReason = z.infer<typeof RoundCloseReason>;

/** RoundClosed v1: what the round sold, per product and manufacturer; each manufacturer settles. */
export const RoundClosedV1 = z.object({
  roundNumber: roundNumber(),
  closedAt: instant(),
  reason: RoundCloseReason,
  sales: z
    .array(z.object({ productId: id(), manufacturerId: id(), unitsSold: units(), revenueCents: totalCents() }))
    // The manufacturer books the round's totals: past 2^53 a sum would round silently, and money would be lost.
    .refine((sales) => Number.isSafeInteger(sales.reduce((sum, s) => sum + s.revenueCents, 0)), "the round's total revenueCents is too large to count exactly")
    .refine((sales) => Number.isSafeInteger(sales.reduce((sum, s) => sum + s.unitsSold, 0)), "the round's total unitsSold is too large to count exactly"),
});
export type RoundClosedV1 = z.infer<typeof RoundClosedV1>;

/** RoundSettled v1: every settlement of the round is applied; the next round may open. */
export const RoundSettledV1 = z.object({ roundNumber: roundNumber() });
export type RoundSettledV1 = z.infer<typeof RoundSettledV1>;
