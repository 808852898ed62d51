/** Settlement arithmetic: what a closed round means for each manufacturer's books and supply. */
import { isUuid } from './ids.js';

export interface RoundSale {
  productId: string;
  manufacturerId: string;
  unitsSold: number;
  revenueCents: number;
}

/** RoundClosed v1 as this service reads it (see packages/events/PROTOCOL.md). */
export interface RoundClosed {
  roundNumber: number;
  closedAt: string;
  reason: string;
  sales: RoundSale[];
}

/** A RoundClosed payload that cannot be applied; the bus retries it and then parks it. */
export class MalformedRoundClosed extends Error {
  constructor(problem: string) {
    super(`RoundClosed cannot be applied: ${problem}`);
    this.name = 'MalformedRoundClosed';
  }
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
// String() of an object whose toString is not a function throws a TypeError, not a refusal.
const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

/** Checks a RoundClosed payload's shape; ids come back lower-case so they compare with ours. */
export function readRoundClosed(payload: unknown): RoundClosed {
  const p = payload as Partial<RoundClosed> | null;
  if (!p || typeof p !== 'object') throw new MalformedRoundClosed('payload is not an object');
  if (!isCount(p.roundNumber) || p.roundNumber < 1 || p.roundNumber > 2_147_483_647) throw new MalformedRoundClosed('roundNumber must be a positive integer');
  if (!Array.isArray(p.sales)) throw new MalformedRoundClosed('sales must be a list');
  const sales = p.sales.map((sale: Partial<RoundSale>, index) => {
    if (!isUuid(sale?.productId) || !isUuid(sale?.manufacturerId)) throw new MalformedRoundClosed(`sales[${index}] needs a productId and a manufacturerId`);
    if (!isCount(sale.unitsSold) || !isCount(sale.revenueCents)) throw new MalformedRoundClosed(`sales[${index}] needs non-negative integer unitsSold and revenueCents`);
    return { productId: sale.productId.toLowerCase(), manufacturerId: sale.manufacturerId.toLowerCase(), unitsSold: sale.unitsSold, revenueCents: sale.revenueCents };
  });
  // Totals are counted in numbers: past 2^53 a sum would silently round, and money would be lost.
  for (const part of ['unitsSold', 'revenueCents'] as const) {
    if (!Number.isSafeInteger(sales.reduce((sum, sale) => sum + sale[part], 0))) throw new MalformedRoundClosed(`the round's total ${part} is too large to count exactly`);
  }
  return { roundNumber: p.roundNumber, closedAt: textOf(p.closedAt), reason: textOf(p.reason), sales };
}

export interface SettlementLinePlan {
  productId: string;
  unitsSold: number;
  revenueCents: number;
}

/** What one manufacturer books for one round. */
export interface SettlementPlan {
  manufacturerId: string;
  lines: SettlementLinePlan[];
  unitsSold: number;
  revenueCents: number;
}

/**
 * Groups a round's sales by manufacturer (one settlement each), merging repeated lines of the
 * same product. Manufacturers and lines come in id order, so the outcome does not depend on
 * the order of `sales`.
 */
export function planSettlements(sales: RoundSale[]): SettlementPlan[] {
  const byManufacturer = new Map<string, Map<string, SettlementLinePlan>>();
  for (const sale of sales) {
    let lines = byManufacturer.get(sale.manufacturerId);
    if (!lines) byManufacturer.set(sale.manufacturerId, (lines = new Map()));
    const line = lines.get(sale.productId) ?? { productId: sale.productId, unitsSold: 0, revenueCents: 0 };
    line.unitsSold += sale.unitsSold;
    line.revenueCents += sale.revenueCents;
    lines.set(sale.productId, line);
  }
  return [...byManufacturer.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([manufacturerId, lineMap]) => {
      const lines = [...lineMap.values()].sort((a, b) => a.productId.localeCompare(b.productId));
      return {
        manufacturerId,
        lines,
        unitsSold: lines.reduce((sum, l) => sum + l.unitsSold, 0),
        revenueCents: lines.reduce((sum, l) => sum + l.revenueCents, 0),
      };
    });
}

/**
 * Names the sales whose product is unknown here or belongs to another manufacturer than the
 * sale says: such a round cannot be booked (it signals a bug in whoever sent it).
 */
export function misattributedSales(plans: SettlementPlan[], ownerOf: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const plan of plans) {
    for (const line of plan.lines) {
      const owner = ownerOf.get(line.productId);
      if (!owner) problems.push(`product ${line.productId} is unknown`);
      else if (owner !== plan.manufacturerId) problems.push(`product ${line.productId} belongs to ${owner}, not ${plan.manufacturerId}`);
    }
  }
  return problems;
}

export interface SupplyAfterSale {
  /** Supply after the sale, never below zero. */
  supply: number;
  /** The change of supply (negative or zero). */
  delta: number;
  /** Units sold beyond the supply (0 when the books add up). */
  shortfall: number;
}

/** Supply after `unitsSold` units were sold from `supply`; clamps at zero and says by how much. */
export function supplyAfterSale(supply: number, unitsSold: number): SupplyAfterSale {
  const after = Math.max(supply - unitsSold, 0);
  return { supply: after, delta: after - supply, shortfall: Math.max(unitsSold - supply, 0) };
}
