/**
 * What a manufacturer's supply change does to the distributor's stock. Supply enters stock when a
 * round opens (see rounds.ts); during an open round new production (and new products) adds to it
 * right away, and a discontinued product keeps only what is already promised to orders.
 */
import { emptyStock, type StockChange, type StockRow } from './stock.js';
import type { Movement } from './ledger.js';

export type SupplyChangeReason = 'CREATED' | 'PRODUCED' | 'UPDATED' | 'DISCONTINUED' | 'SETTLED';

/** A product's facts as the manufacturer announced them (the read model). */
export interface ProductFacts {
  productId: string;
  manufacturerId: string;
  category: string;
  unitPriceCents: number;
  supply: number;
  discontinued: boolean;
}

export interface SupplyChange extends ProductFacts {
  delta: number;
  reason: SupplyChangeReason;
}

/** Does this change move stock while a round is open? */
export function movesStock(change: SupplyChange): boolean {
  return ((change.reason === 'CREATED' || change.reason === 'PRODUCED') && change.delta > 0) || change.reason === 'DISCONTINUED';
}

/** The read model after a batch: the last announcement of each product wins (supply is absolute). */
export function latestFacts(changes: SupplyChange[]): ProductFacts[] {
  const latest = new Map<string, ProductFacts>();
  for (const { delta: _delta, reason: _reason, ...facts } of changes) latest.set(facts.productId, facts);
  return [...latest.values()];
}

/**
 * Applies supply changes, in order, to the locked stock rows of an open round. Rows that do not
 * exist yet (a product created during the round) start empty. Outside a round nothing moves.
 */
export function applySupplyChanges(
  state: { roundNumber: number | null; stock: StockRow[]; defaultThreshold: number },
  changes: SupplyChange[],
): { changes: StockChange[]; movements: Movement[] } {
  const round = state.roundNumber;
  if (round === null) return { changes: [], movements: [] };
  const before = new Map(state.stock.map((row) => [row.productId, row]));
  const rows = new Map(state.stock.map((row) => [row.productId, { ...row }]));
  const movements: Movement[] = [];
  for (const change of changes.filter(movesStock)) {
    let row = rows.get(change.productId);
    if (change.reason === 'DISCONTINUED') {
      if (!row) continue;
      const unpromised = row.onHand - row.reserved;
      if (unpromised > 0) movements.push({ productId: row.productId, roundNumber: round, kind: 'WITHDRAWN', quantity: unpromised, orderId: null });
      row.onHand = row.reserved;
      continue;
    }
    if (!row) rows.set(change.productId, (row = emptyStock(change.productId, state.defaultThreshold)));
    row.onHand += change.delta;
    row.roundNumber = round;
    movements.push({ productId: row.productId, roundNumber: round, kind: 'SUPPLY_IN', quantity: change.delta, orderId: null });
  }
  const facts = new Map(latestFacts(changes).map((f) => [f.productId, f]));
  const stockChanges: StockChange[] = [];
  for (const [productId, after] of rows) {
    const was = before.get(productId) ?? null;
    const fact = facts.get(productId);
    if (fact) Object.assign(after, { manufacturerId: fact.manufacturerId, category: fact.category });
    if (!was || was.onHand !== after.onHand || was.roundNumber !== after.roundNumber) stockChanges.push({ before: was, after });
  }
  return { changes: stockChanges, movements };
}
