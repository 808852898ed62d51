/** Distribution rounds: when one may open, what opening and closing do to stock, and what was sold. */
import { emptyStock, type StockChange, type StockRow } from './stock.js';
import type { Movement } from './ledger.js';
import type { ProductFacts } from './supply.js';
import { StockInvariantBroken } from './reservation.js';

export type RoundStatus = 'OPEN' | 'CLOSED' | 'SETTLED';
export type RoundCloseReason = 'OPERATOR' | 'PERIOD_ENDED' | 'DEPLETED';

export interface RoundState {
  number: number;
  status: RoundStatus;
  /** For a CLOSED round: manufacturers whose settlement has not arrived yet. */
  awaitingSettlementFrom?: string[];
}

/**
 * Why a new round may not open now, or null when it may. The next round pulls supply only after
 * every settlement of the last one is applied, so no unit is ever sold twice across rounds.
 */
export function openingBlocker(latest: RoundState | null): string | null {
  if (!latest || latest.status === 'SETTLED') return null;
  if (latest.status === 'OPEN') return `Round ${latest.number} is still open; close it before opening the next one`;
  const waiting = latest.awaitingSettlementFrom ?? [];
  return (
    `Round ${latest.number} is closed but not settled yet` +
    (waiting.length ? `: waiting for the settlement of manufacturer${waiting.length > 1 ? 's' : ''} ${waiting.join(', ')}` : '')
  );
}

export const nextRoundNumber = (latest: RoundState | null) => (latest?.number ?? 0) + 1;

/**
 * Stock at the start of round `roundNumber`: every known product still on offer holds its
 * supply, nothing is promised; leftovers of the last round go back (they are part of the
 * supply again), and products no longer offered hold nothing.
 */
export function openingStock(input: { roundNumber: number; stock: StockRow[]; offered: ProductFacts[]; defaultThreshold: number }): {
  changes: StockChange[];
  movements: Movement[];
} {
  const { roundNumber } = input;
  const existing = new Map(input.stock.map((row) => [row.productId, row]));
  const offered = new Map(input.offered.map((p) => [p.productId, p]));
  const changes: StockChange[] = [];
  const movements: Movement[] = [];
  const move = (productId: string, kind: Movement['kind'], quantity: number) => {
    if (quantity > 0) movements.push({ productId, roundNumber, kind, quantity, orderId: null });
  };
  for (const productId of [...new Set([...existing.keys(), ...offered.keys()])].sort()) {
    const before = existing.get(productId) ?? null;
    if (before && before.reserved !== 0) throw new StockInvariantBroken(`product ${productId} still has ${before.reserved} reserved when round ${roundNumber} opens`);
    const product = offered.get(productId);
    if (!product && (!before || before.onHand === 0)) continue;
    const after: StockRow = { ...(before ?? emptyStock(productId, input.defaultThreshold)), reserved: 0 };
    move(productId, 'WITHDRAWN', before?.onHand ?? 0);
    if (product) {
      after.onHand = Math.max(0, product.supply);
      after.roundNumber = roundNumber;
      after.manufacturerId = product.manufacturerId;
      after.category = product.category;
      move(productId, 'ROUND_OPENED_SUPPLY', after.onHand);
    } else {
      after.onHand = 0;
    }
    changes.push({ before, after });
  }
  return { changes, movements };
}

/** A reservation being sold at round close, with the manufacturer of its product. */
export interface SoldReservation {
  orderId: string;
  productId: string;
  manufacturerId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface RoundSale {
  productId: string;
  manufacturerId: string;
  unitsSold: number;
  revenueCents: number;
}

/** What a round sold, per product (a product has one manufacturer), in product order. */
export function salesOf(sold: SoldReservation[]): RoundSale[] {
  const sales = new Map<string, RoundSale>();
  for (const r of sold) {
    if (r.quantity <= 0) continue;
    const sale = sales.get(r.productId) ?? { productId: r.productId, manufacturerId: r.manufacturerId, unitsSold: 0, revenueCents: 0 };
    sale.unitsSold += r.quantity;
    sale.revenueCents += r.quantity * r.unitPriceCents;
    sales.set(r.productId, sale);
  }
  return [...sales.values()].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/** Manufacturers that must answer a round's close with a settlement. */
export const manufacturersToSettle = (sales: RoundSale[]) => [...new Set(sales.map((s) => s.manufacturerId))].sort();

/**
 * Closing: every promised unit is sold (it leaves on hand and reserved), per reservation in the
 * ledger. What the reservations say must be exactly what the rows say, or nothing is written.
 */
export function closingStock(input: { roundNumber: number; reservedRows: StockRow[]; sold: SoldReservation[] }): { changes: StockChange[]; movements: Movement[] } {
  const soldPerProduct = new Map<string, number>();
  for (const r of input.sold) soldPerProduct.set(r.productId, (soldPerProduct.get(r.productId) ?? 0) + r.quantity);
  const changes: StockChange[] = [];
  for (const before of input.reservedRows) {
    const units = soldPerProduct.get(before.productId) ?? 0;
    if (units !== before.reserved) throw new StockInvariantBroken(`product ${before.productId} has ${before.reserved} reserved but its reservations hold ${units}`);
    soldPerProduct.delete(before.productId);
    if (units > 0) changes.push({ before, after: { ...before, onHand: before.onHand - units, reserved: 0 } });
  }
  for (const [productId, units] of soldPerProduct) if (units > 0) throw new StockInvariantBroken(`reservations hold ${units} of ${productId} but its stock row reserves nothing`);
  const movements: Movement[] = input.sold
    .filter((r) => r.quantity > 0)
    .map((r) => ({
      productId: r.productId,
      roundNumber: input.roundNumber,
      kind: 'SALE',
      quantity: r.quantity,
      orderId: r.orderId,
    }));
  return { changes, movements };
}
