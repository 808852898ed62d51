/** Rules of the cart (pure): which lines can still be served, totals, what a quantity change may do. */

export const CartLineProblem = {
  InsufficientStock: 'INSUFFICIENT_STOCK',
  OutOfStock: 'OUT_OF_STOCK',
  Discontinued: 'DISCONTINUED',
} as const;
export type CartLineProblem = (typeof CartLineProblem)[keyof typeof CartLineProblem];

export interface CartLineFacts {
  quantity: number;
  /** Units available now, from inventory's AvailabilityChanged. */
  available: number;
  discontinued: boolean;
}

/** Why the distributor cannot serve this line as it stands, or null. The most final reason wins. */
export function cartLineProblem(line: CartLineFacts): CartLineProblem | null {
  if (line.discontinued) return CartLineProblem.Discontinued;
  if (line.available <= 0) return CartLineProblem.OutOfStock;
  if (line.quantity > line.available) return CartLineProblem.InsufficientStock;
  return null;
}

export function summarizeCart(lines: Array<CartLineFacts & { unitPriceCents: number }>): { totalCents: number; canCheckout: boolean } {
  return {
    totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    canCheckout: lines.length > 0 && lines.every((l) => cartLineProblem(l) === null),
  };
}

export type CartQuantityDecision = { kind: 'accept' } | { kind: 'insufficient'; available: number } | { kind: 'discontinued' };

/**
 * Whether a line may go from `current` to `wanted` units. Raising is checked against availability;
 * lowering is always allowed, because it moves the line towards what can be served.
 */
export function decideCartQuantity(input: { current: number; wanted: number; available: number; discontinued: boolean }): CartQuantityDecision {
  if (input.wanted <= input.current) return { kind: 'accept' };
  if (input.discontinued) return { kind: 'discontinued' };
  if (input.wanted > input.available) return { kind: 'insufficient', available: Math.max(0, input.available) };
  return { kind: 'accept' };
}

/** What pruning takes out of one line: `quantity` units, leaving `kept` (0: the line goes). */
export interface PrunedLine {
  productId: string;
  quantity: number;
  kept: number;
  reason: CartLineProblem;
}

/**
 * What pruneCart takes out of a cart: a line of a discontinued or sold-out product goes, a line
 * asking for more than is available is lowered to what is; lines that can be served stay.
 */
export function pruneCart(lines: ReadonlyArray<CartLineFacts & { productId: string }>): PrunedLine[] {
  return lines.flatMap((line) => {
    const reason = cartLineProblem(line);
    if (reason === null) return [];
    const kept = reason === CartLineProblem.InsufficientStock ? Math.max(0, line.available) : 0;
    return [{ productId: line.productId, quantity: line.quantity - kept, kept, reason }];
  });
}
