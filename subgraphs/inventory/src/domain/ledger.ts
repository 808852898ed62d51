/** The stock movement ledger: every change of a stock row is one of these, so totals can be recomputed. */

export const MOVEMENT_KINDS = ['ROUND_OPENED_SUPPLY', 'SUPPLY_IN', 'RESERVE', 'RELEASE', 'SALE', 'WITHDRAWN'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** One movement; `quantity` is always positive, the kind says which way it moves. */
export interface Movement {
  productId: string;
  roundNumber: number | null;
  kind: MovementKind;
  quantity: number;
  orderId: string | null;
}

/**
 * How each kind moves (on hand, reserved):
 * - ROUND_OPENED_SUPPLY, SUPPLY_IN: units arrive (on hand up);
 * - RESERVE / RELEASE: units promised to an order / given back (reserved up / down);
 * - SALE: promised units leave as sold at round close (both down);
 * - WITHDRAWN: unpromised units leave (discontinued, or a new round replaces the leftovers).
 */
export const MOVEMENT_EFFECT: Record<MovementKind, { onHand: -1 | 0 | 1; reserved: -1 | 0 | 1 }> = {
  ROUND_OPENED_SUPPLY: { onHand: 1, reserved: 0 },
  SUPPLY_IN: { onHand: 1, reserved: 0 },
  RESERVE: { onHand: 0, reserved: 1 },
  RELEASE: { onHand: 0, reserved: -1 },
  SALE: { onHand: -1, reserved: -1 },
  WITHDRAWN: { onHand: -1, reserved: 0 },
};

/** Replays movements from nothing: what the stock row must say. */
export function replayMovements(movements: Array<Pick<Movement, 'kind' | 'quantity'>>): { onHand: number; reserved: number } {
  let onHand = 0;
  let reserved = 0;
  for (const m of movements) {
    onHand += MOVEMENT_EFFECT[m.kind].onHand * m.quantity;
    reserved += MOVEMENT_EFFECT[m.kind].reserved * m.quantity;
  }
  return { onHand, reserved };
}
