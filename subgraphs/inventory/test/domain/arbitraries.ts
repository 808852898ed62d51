/** Generators of stock, reservations and order requests for the inventory's property tests. */
import fc from 'fast-check';
import type {
  Outcome,
  PastReservation,
  RecordedRejection,
  RejectionReason,
  Reservation,
  ReservationRequest,
  ReservationResult,
  ReservationState,
} from '../../src/domain/reservation.js';
import type { StockRow } from '../../src/domain/stock.js';

export const ROUND = 4;
/** A few products and orders, so that requests collide on them often. */
export const PRODUCTS = ['p0', 'p1', 'p2', 'p3'] as const;
/** Orders the state has a history for (each may still be undecided: its OrderPlaced was parked). */
export const ORDERS = ['o0', 'o1', 'o2', 'o3', 'o4', 'o5'] as const;
/** Orders inventory has never heard of before the batch: their first PLACE is a first decision. */
export const NEW_ORDERS = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'] as const;
/** A product inventory has never heard of. */
export const GHOST = 'ghost';

export const stockRow = (productId: string, onHand: number, reserved = 0): StockRow => ({
  productId,
  manufacturerId: `m-${productId}`,
  category: 'tea',
  onHand,
  reserved,
  lowStockThreshold: 3,
  roundNumber: ROUND,
});

const product = fc.constantFrom<string>(...PRODUCTS);
const anyProduct = fc.oneof({ weight: 12, arbitrary: product }, { weight: 1, arbitrary: fc.constant(GHOST) });
const knownOrder = fc.constantFrom<string>(...ORDERS);
const newOrder = fc.constantFrom<string>(...NEW_ORDERS);
/** Placements go mostly to new orders (first decisions), and sometimes to orders decided before (repeats). */
const placedOrder = fc.oneof({ weight: 3, arbitrary: newOrder }, { weight: 2, arbitrary: knownOrder });
/** Cancellations and changes go mostly to orders the state knows, sometimes to one placed earlier in the batch. */
const heldOrder = fc.oneof({ weight: 3, arbitrary: knownOrder }, { weight: 1, arbitrary: newOrder });
const price = fc.integer({ min: 1, max: 100_000 });

/** The lines of a placement: any products, a ghost now and then, a product named twice now and then. */
export const placeLines = fc.array(fc.record({ productId: anyProduct, quantity: fc.integer({ min: 1, max: 12 }), unitPriceCents: price }), { minLength: 1, maxLength: 4 });
export const placeRequest = fc.record({ kind: fc.constant('PLACE' as const), orderId: placedOrder, lines: placeLines });
export const cancelRequest = fc.record({ kind: fc.constant('CANCEL' as const), orderId: heldOrder });
export const changeRequest = fc.record({
  kind: fc.constant('CHANGE' as const),
  orderId: heldOrder,
  changeId: fc.uuid(),
  productId: anyProduct,
  // Small quantities often equal what a line already holds (a change that changes nothing).
  quantity: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 12 })),
  unitPriceCents: price,
});
/** The order service waited too long for the answer to a placement or a cancellation (OrderOverdue). */
export const overdueRequest = fc.record({
  kind: fc.constant('OVERDUE' as const),
  orderId: fc.oneof(knownOrder, newOrder),
  awaiting: fc.constantFrom('RESERVATION' as const, 'RELEASE' as const),
});

/** Any mix of placements, cancellations, line changes and overdue questions, mostly placements. */
export const requests = fc.array(
  fc.oneof({ weight: 5, arbitrary: placeRequest }, { weight: 2, arbitrary: cancelRequest }, { weight: 3, arbitrary: changeRequest }, { weight: 2, arbitrary: overdueRequest }),
  { maxLength: 25 },
) as fc.Arbitrary<ReservationRequest[]>;

/** A line an order was given: quantity 0 is a line given back since (changed to 0). */
const pastLines = (minQuantity: number) =>
  fc.uniqueArray(fc.record({ productId: product, quantity: fc.integer({ min: minQuantity, max: 5 }), unitPriceCents: price }), {
    selector: (l) => l.productId,
    minLength: 1,
    maxLength: 3,
  });
const REASONS: RejectionReason[] = ['INSUFFICIENT_STOCK', 'NO_OPEN_ROUND', 'UNKNOWN_PRODUCT', 'TIMED_OUT'];
/** A rejection as inventory records it: the short lines (nothing was available without a round or a product), none when it timed out. */
const recordedRejection = fc
  .record({
    reason: fc.constantFrom(...REASONS),
    lines: fc.array(fc.record({ productId: anyProduct, requested: fc.integer({ min: 1, max: 12 }), available: fc.integer({ min: 0, max: 11 }) }), { minLength: 1, maxLength: 3 }),
  })
  .map(({ reason, lines }) => ({
    reason,
    lines: reason === 'TIMED_OUT' ? [] : lines.map((l) => ({ ...l, available: reason === 'INSUFFICIENT_STOCK' ? Math.min(l.available, l.requested - 1) : 0 })),
  }));

/** What inventory decided about an order before the batch: each order is decided once, or not yet. */
const history = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'UNDECIDED' as const }) },
  // Reserved in the open round (the first line still holds); the others may have been changed to 0 since.
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('HOLDING' as const), lines: pastLines(0).map((ls) => ls.map((l, n) => (n === 0 ? { ...l, quantity: Math.max(1, l.quantity) } : l))) }),
  },
  // Reserved and then cancelled: every row given back.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('CANCELLED' as const), lines: pastLines(0), earlier: fc.boolean() }) },
  // Reserved in an earlier round, and sold when it closed.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('SOLD' as const), lines: pastLines(1), round: fc.integer({ min: 1, max: ROUND - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('REJECTED' as const), rejection: recordedRejection }) },
);

/**
 * Locked stock rows and everything inventory knows about the batch's orders, consistent with each
 * other, as the consumer reads them: what the orders hold in the open round (`reservations`), every
 * reservation row they have in any round and status (`pastReservations`), their recorded
 * rejections; each row reserves what these orders hold plus what other orders (outside the batch) hold.
 */
export const reservationState = (options: { roundOpen?: boolean } = {}): fc.Arbitrary<ReservationState> =>
  fc
    .record({
      open: options.roundOpen === undefined ? fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) : fc.constant(options.roundOpen),
      histories: fc.tuple(...ORDERS.map(() => history)),
      others: fc.tuple(...PRODUCTS.map(() => fc.integer({ min: 0, max: 5 }))),
      free: fc.tuple(...PRODUCTS.map(() => fc.integer({ min: 0, max: 20 }))),
    })
    .map(({ open, histories, others, free }) => {
      const pastReservations: Array<PastReservation & { unitPriceCents: number }> = [];
      const rejections: RecordedRejection[] = [];
      ORDERS.forEach((orderId, i) => {
        const h = histories[i]!;
        if (h.kind === 'REJECTED') rejections.push({ orderId, ...h.rejection });
        // With no round open nothing is held: an order reserved in the last round was sold when it closed.
        else if (h.kind === 'HOLDING' && open) {
          for (const l of h.lines) pastReservations.push({ orderId, ...l, roundNumber: ROUND, status: l.quantity > 0 ? 'RESERVED' : 'RELEASED' });
        } else if (h.kind === 'HOLDING' || h.kind === 'SOLD') {
          const round = h.kind === 'SOLD' ? h.round : ROUND - 1;
          // Closing sold what the order held; a line changed to 0 before stays given back.
          for (const l of h.lines) pastReservations.push({ orderId, ...l, roundNumber: round, status: l.quantity > 0 ? 'SOLD' : 'RELEASED' });
        } else if (h.kind === 'CANCELLED') {
          const round = h.earlier || !open ? ROUND - 1 : ROUND;
          for (const l of h.lines) pastReservations.push({ orderId, ...l, quantity: 0, roundNumber: round, status: 'RELEASED' });
        }
      });
      const reservations: Reservation[] = pastReservations
        .filter((r) => r.status === 'RESERVED')
        .map(({ orderId, productId, roundNumber, quantity, unitPriceCents }) => ({ orderId, productId, roundNumber, quantity, unitPriceCents }));
      const stock = PRODUCTS.map((p, i) => {
        const held = reservations.filter((r) => r.productId === p).reduce((sum, r) => sum + r.quantity, 0);
        return stockRow(p, held + others[i]! + free[i]!, held + others[i]!);
      });
      return { roundNumber: open ? ROUND : null, stock, reservations, pastReservations, rejections };
    });

const rowKey = (r: { orderId: string; productId: string }) => `${r.orderId}|${r.productId}`;

/** The state a batch leaves behind: its rows after the changes, what every order holds now, and every decision inventory keeps. */
export function stateAfter(state: ReservationState, result: ReservationResult): ReservationState {
  const stock = new Map(state.stock.map((row) => [row.productId, row]));
  for (const change of result.changes) stock.set(change.after.productId, change.after);
  const held = new Map(state.reservations.map((r) => [rowKey(r), r]));
  const rows = new Map<string, PastReservation>((state.pastReservations ?? []).map((r) => [rowKey(r), r]));
  for (const { status, ...r } of result.reservations) {
    if (r.quantity > 0) held.set(rowKey(r), r);
    else held.delete(rowKey(r));
    rows.set(rowKey(r), { ...r, status });
  }
  return {
    roundNumber: state.roundNumber,
    stock: [...stock.values()],
    reservations: [...held.values()],
    pastReservations: [...rows.values()],
    rejections: [...(state.rejections ?? []), ...result.rejections],
  };
}

/** What `orderId` holds, per product. */
export function holdingsOf(state: ReservationState, orderId: string): Map<string, number> {
  return new Map(state.reservations.filter((r) => r.orderId === orderId && r.quantity > 0).map((r) => [r.productId, r.quantity]));
}

/** Every reservation row inventory keeps of `orderId` (any round, any status). */
export const rowsOf = (state: ReservationState, orderId: string) => [
  ...new Map(
    [...(state.pastReservations ?? []), ...state.reservations.map((r) => ({ ...r, status: 'RESERVED' as const }))]
      .filter((r) => r.orderId === orderId)
      .map((r) => [r.productId, r]),
  ).values(),
];

/** True when inventory has decided `orderId` before: it has reservation rows (of any status) or a recorded rejection. */
export const isDecided = (state: ReservationState, orderId: string) => rowsOf(state, orderId).length > 0 || (state.rejections ?? []).some((r) => r.orderId === orderId);

/**
 * The answer inventory gave `orderId`, as it must give it again: the recorded rejection, or the
 * round it was reserved in with what it holds (or held when sold) now. Null when undecided.
 */
export function earlierDecision(state: ReservationState, orderId: string): Outcome | null {
  const rejection = (state.rejections ?? []).find((r) => r.orderId === orderId);
  if (rejection) return { kind: 'REJECTED', orderId, changeId: null, reason: rejection.reason, lines: rejection.lines };
  const rows = rowsOf(state, orderId);
  if (rows.length === 0) return null;
  const rounds = new Set(rows.map((r) => r.roundNumber));
  // An order is reserved in one round: all its rows belong to it.
  if (rounds.size !== 1) throw new Error(`order ${orderId} has rows in rounds ${[...rounds].join(', ')}`);
  return {
    kind: 'RESERVED',
    orderId,
    changeId: null,
    roundNumber: rows[0]!.roundNumber,
    lines: rows.filter((r) => r.quantity > 0).map((r) => ({ productId: r.productId, quantity: r.quantity })),
  };
}

export const rowOf = (state: ReservationState, productId: string) => state.stock.find((row) => row.productId === productId);
