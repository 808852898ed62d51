/** Settlement arithmetic: what a closed round means for each manufacturer's books and supply. */

export interface RoundSale {
  productId: string;
  manufacturerId: string;
  unitsSold: number;
  revenueCents: number;
}

/** A RoundClosed that cannot be booked (its sales name products of another maker); the bus retries it and then parks it. */
export class MalformedRoundClosed extends Error {
  constructor(problem: string) {
    super(`RoundClosed cannot be applied: ${problem}`);
    this.name = 'MalformedRoundClosed';
  }
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
