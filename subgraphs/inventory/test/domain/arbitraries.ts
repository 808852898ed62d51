/** Generators of stock, reservations and order requests for the inventory's property tests. */
import fc from 'fast-check';
import type { Reservation, ReservationRequest, ReservationState, ReservationResult } from '../../src/domain/reservation.js';
import type { StockRow } from '../../src/domain/stock.js';

export const ROUND = 4;
/** A few products and orders, so that requests collide on them often. */
export const PRODUCTS = ['p0', 'p1', 'p2', 'p3'] as const;
export const ORDERS = ['o0', 'o1', 'o2', 'o3', 'o4', 'o5'] as const;
/** A product inventory has never heard of. */
export const GHOST = 'ghost';

export const stockRow = (productId: string, onHand: number, reserved = 0): StockRow => ({
  productId, manufacturerId: `m-${productId}`, category: 'tea', onHand, reserved, lowStockThreshold: 3, roundNumber: ROUND,
});

const product = fc.constantFrom<string>(...PRODUCTS);
const anyProduct = fc.oneof({ weight: 12, arbitrary: product }, { weight: 1, arbitrary: fc.constant(GHOST) });
const order = fc.constantFrom<string>(...ORDERS);
const price = fc.integer({ min: 1, max: 100_000 });

export const placeRequest = fc.record({
  kind: fc.constant('PLACE' as const),
  orderId: order,
  lines: fc.array(fc.record({ productId: anyProduct, quantity: fc.integer({ min: 1, max: 12 }), unitPriceCents: price }), { minLength: 1, maxLength: 4 }),
});
export const cancelRequest = fc.record({ kind: fc.constant('CANCEL' as const), orderId: order });
export const changeRequest = fc.record({
  kind: fc.constant('CHANGE' as const),
  orderId: order,
  changeId: fc.uuid(),
  productId: anyProduct,
  // Small quantities often equal what a line already holds (a change that changes nothing).
  quantity: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 12 })),
  unitPriceCents: price,
});

/** Any mix of placements, cancellations and line changes, mostly placements. */
export const requests = fc.array(
  fc.oneof({ weight: 5, arbitrary: placeRequest }, { weight: 2, arbitrary: cancelRequest }, { weight: 3, arbitrary: changeRequest }),
  { maxLength: 25 },
) as fc.Arbitrary<ReservationRequest[]>;

/**
 * Locked stock rows and what the batch's orders already hold, consistent with each other:
 * each row reserves what these orders hold plus what other orders (outside the batch) hold.
 */
export const reservationState = (options: { roundOpen?: boolean } = {}): fc.Arbitrary<ReservationState> =>
  fc.record({
    open: options.roundOpen === undefined ? fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) : fc.constant(options.roundOpen),
    holdings: fc.uniqueArray(fc.record({ orderId: order, productId: product, quantity: fc.integer({ min: 1, max: 5 }), unitPriceCents: price }), {
      selector: (h) => `${h.orderId}|${h.productId}`, maxLength: 6,
    }),
    // Lines given back earlier (cancelled or changed to 0) stay as rows that hold nothing.
    released: fc.uniqueArray(fc.record({ orderId: order, productId: product, unitPriceCents: price }), { selector: (h) => `${h.orderId}|${h.productId}`, maxLength: 3 }),
    others: fc.tuple(...PRODUCTS.map(() => fc.integer({ min: 0, max: 5 }))),
    free: fc.tuple(...PRODUCTS.map(() => fc.integer({ min: 0, max: 20 }))),
  }).map(({ open, holdings, released, others, free }) => {
    // With no open round, no order holds anything in it.
    const holding = new Set(holdings.map((h) => `${h.orderId}|${h.productId}`));
    const reservations: Reservation[] = !open ? [] : [
      ...holdings.map((h) => ({ ...h, roundNumber: ROUND })),
      ...released.filter((r) => !holding.has(`${r.orderId}|${r.productId}`)).map((r) => ({ ...r, quantity: 0, roundNumber: ROUND })),
    ];
    const stock = PRODUCTS.map((p, i) => {
      const held = reservations.filter((r) => r.productId === p).reduce((sum, r) => sum + r.quantity, 0);
      return stockRow(p, held + others[i]! + free[i]!, held + others[i]!);
    });
    return { roundNumber: open ? ROUND : null, stock, reservations };
  });

/** The state a batch leaves behind: its rows after the changes, and what every order holds now. */
export function stateAfter(state: ReservationState, result: ReservationResult): ReservationState {
  const stock = new Map(state.stock.map((row) => [row.productId, row]));
  for (const change of result.changes) stock.set(change.after.productId, change.after);
  const held = new Map(state.reservations.map((r) => [`${r.orderId}|${r.productId}`, r]));
  for (const { status: _status, ...r } of result.reservations) {
    if (r.quantity > 0) held.set(`${r.orderId}|${r.productId}`, r);
    else held.delete(`${r.orderId}|${r.productId}`);
  }
  return { roundNumber: state.roundNumber, stock: [...stock.values()], reservations: [...held.values()] };
}

/** What `orderId` holds, per product. */
export function holdingsOf(state: ReservationState, orderId: string): Map<string, number> {
  return new Map(state.reservations.filter((r) => r.orderId === orderId && r.quantity > 0).map((r) => [r.productId, r.quantity]));
}

export const rowOf = (state: ReservationState, productId: string) => state.stock.find((row) => row.productId === productId);
