/** A product's stock at the distributor, and what a change of it means for the people watching. */

export type StockStatus = 'IN_STOCK' | 'LOW' | 'DEPLETED';

/** One stock row as the rules see it (threshold already defaulted). */
export interface StockRow {
  productId: string;
  manufacturerId: string;
  category: string;
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
  /** The round the row's units belong to; null before the product was ever in a round. */
  roundNumber: number | null;
}

/** A row before and after a change; `before` is null for a row that did not exist. */
export interface StockChange {
  before: StockRow | null;
  after: StockRow;
}

export const availableOf = (row: Pick<StockRow, 'onHand' | 'reserved'>) => row.onHand - row.reserved;

/** DEPLETED at 0, LOW when 0 < available <= threshold, IN_STOCK above. */
export function stockStatus(available: number, lowStockThreshold: number): StockStatus {
  if (available <= 0) return 'DEPLETED';
  return available <= lowStockThreshold ? 'LOW' : 'IN_STOCK';
}

/** What a product inventory has never heard of looks like: nothing, anywhere. */
export function emptyStock(productId: string, lowStockThreshold: number, facts: { manufacturerId?: string; category?: string } = {}): StockRow {
  return { productId, manufacturerId: facts.manufacturerId ?? '', category: facts.category ?? '', onHand: 0, reserved: 0, lowStockThreshold, roundNumber: null };
}

/** The invariant every stock row keeps at every moment: nothing is promised that is not on hand. */
export function keepsInvariant(row: Pick<StockRow, 'onHand' | 'reserved'>): boolean {
  return Number.isInteger(row.onHand) && Number.isInteger(row.reserved) && row.reserved >= 0 && row.reserved <= row.onHand;
}

export interface StockSignals {
  /** Some number a watcher sees changed (on hand, reserved, threshold or round). */
  changed: boolean;
  /** Available fell to or below the threshold (it was above it before). */
  becameLow: boolean;
  /** Available reached zero (it was above zero before). */
  depleted: boolean;
}

/** Which announcements a change deserves: each crossing is announced once, not every change. */
export function stockSignals({ before, after }: StockChange): StockSignals {
  const was = before ?? emptyStock(after.productId, after.lowStockThreshold);
  const availableBefore = availableOf(was);
  const availableAfter = availableOf(after);
  const changed =
    before === null || was.onHand !== after.onHand || was.reserved !== after.reserved || was.lowStockThreshold !== after.lowStockThreshold || was.roundNumber !== after.roundNumber;
  return {
    changed,
    becameLow: availableBefore > was.lowStockThreshold && availableAfter <= after.lowStockThreshold,
    depleted: availableBefore > 0 && availableAfter === 0,
  };
}
