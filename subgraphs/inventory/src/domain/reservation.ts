/**
 * Reserving stock for orders: the rule that nothing is ever oversold. Pure: it takes the locked
 * stock rows and the orders' current reservations, applies a batch of requests in bus order,
 * and says what to write and announce. Every order is all-or-nothing; a later request in the
 * batch sees what an earlier one took.
 *
 * Inventory decides each order once: asked again (the same OrderPlaced re-delivered by an
 * operator's retry, an OrderOverdue) it answers with the decision it made, from the order's
 * reservation rows or its recorded rejection, and never reserves anew.
 */
import { availableOf, keepsInvariant, type StockChange, type StockRow } from './stock.js';
import type { Movement } from './ledger.js';
import { OrderDecisions } from './order-decisions.js';

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export type ReservationRequest =
  | { kind: 'PLACE'; orderId: string; lines: OrderLine[] }
  | { kind: 'CANCEL'; orderId: string }
  /** The order service has waited past its bound for the answer to a placement (RESERVATION) or a cancellation (RELEASE). */
  | { kind: 'OVERDUE'; orderId: string; awaiting: 'RESERVATION' | 'RELEASE' }
  | { kind: 'CHANGE'; orderId: string; changeId: string; productId: string; quantity: number; unitPriceCents: number };

/** What an order holds of a product in the open round. */
export interface Reservation {
  orderId: string;
  productId: string;
  roundNumber: number;
  quantity: number;
  unitPriceCents: number;
}

export type RejectionReason = 'INSUFFICIENT_STOCK' | 'NO_OPEN_ROUND' | 'UNKNOWN_PRODUCT' | 'TIMED_OUT';
export interface ShortLine {
  productId: string;
  requested: number;
  available: number;
}

/** A reserved line: what the order now holds of the product; for a change also `delta`, what this change added (> 0) or released (< 0). */
export interface ReservedLine {
  productId: string;
  quantity: number;
  delta?: number;
}

export type Outcome =
  | { kind: 'RESERVED'; orderId: string; changeId: string | null; roundNumber: number; lines: ReservedLine[] }
  | { kind: 'REJECTED'; orderId: string; changeId: string | null; reason: RejectionReason; lines: ShortLine[] }
  | { kind: 'RELEASED'; orderId: string; lines: Array<{ productId: string; quantity: number }> };

/** A reservation row to write: RELEASED rows hold nothing any more (quantity 0). */
export interface ReservationWrite extends Reservation {
  status: 'RESERVED' | 'RELEASED';
}

/** A reservation row of an order as it stands, in any round and status. */
export interface PastReservation {
  orderId: string;
  productId: string;
  roundNumber: number;
  quantity: number;
  status: 'RESERVED' | 'RELEASED' | 'SOLD';
}

/** An order inventory rejected, kept so that it answers the same ever after. */
export interface RecordedRejection {
  orderId: string;
  reason: RejectionReason;
  lines: ShortLine[];
}

export interface ReservationState {
  /** The open round, or null when none is open (then nothing can be reserved). */
  roundNumber: number | null;
  /** Locked stock rows of every product the batch touches (missing = a product inventory does not know). */
  stock: StockRow[];
  /** Reservations the batch's orders hold in the open round. */
  reservations: Reservation[];
  /** Every reservation row of the batch's orders (any round, any status): orders decided before. */
  pastReservations?: PastReservation[];
  /** The batch's orders that inventory rejected before. */
  rejections?: RecordedRejection[];
}

export interface ReservationResult {
  /** Rows whose numbers changed, each once, before the batch and after it. */
  changes: StockChange[];
  /** One outcome per request, in request order; a cancellation holding nothing has none. */
  outcomes: Outcome[];
  movements: Movement[];
  /** Final state of every reservation the batch touched. */
  reservations: ReservationWrite[];
  /** Orders the batch rejected for the first time, to keep. */
  rejections: RecordedRejection[];
}

/** A stock row would break `0 <= reserved <= onHand`: a bug in the rules, never written. */
export class StockInvariantBroken extends Error {}

const key = (orderId: string, productId: string) => `${orderId}|${productId}`;

/** Applies `requests` in order to `state`. */
export function applyRequests(state: ReservationState, requests: ReservationRequest[]): ReservationResult {
  const round = state.roundNumber;
  const original = new Map(state.stock.map((row) => [row.productId, row]));
  const stock = new Map(state.stock.map((row) => [row.productId, { ...row }]));
  const held = new Map(state.reservations.filter((r) => r.quantity > 0).map((r) => [key(r.orderId, r.productId), { ...r }]));
  const written = new Map<string, ReservationWrite>();
  const outcomes: Outcome[] = [];
  const movements: Movement[] = [];

  const decisions = new OrderDecisions([...(state.pastReservations ?? []), ...state.reservations.map((r) => ({ ...r, status: 'RESERVED' as const }))], state.rejections ?? []);

  const heldBy = (orderId: string) => [...held.values()].filter((r) => r.orderId === orderId);
  const move = (row: StockRow, kind: Movement['kind'], quantity: number, orderId: string) => {
    if (kind === 'RESERVE') row.reserved += quantity;
    else row.reserved -= quantity;
    if (!keepsInvariant(row)) throw new StockInvariantBroken(`${kind} ${quantity} of ${row.productId} would leave reserved ${row.reserved} of ${row.onHand}`);
    movements.push({ productId: row.productId, roundNumber: round, kind, quantity, orderId });
  };
  const hold = (r: Reservation) => {
    const write: ReservationWrite = { ...r, status: r.quantity > 0 ? 'RESERVED' : 'RELEASED' };
    written.set(key(r.orderId, r.productId), write);
    decisions.reserved(write);
    if (r.quantity > 0) held.set(key(r.orderId, r.productId), { ...r });
    else held.delete(key(r.orderId, r.productId));
  };
  /** Rejects a whole order, for good (a change's rejection leaves the order as it was, so it is not kept). */
  const rejectOrder = (orderId: string, reason: RejectionReason, lines: ShortLine[]) => {
    decisions.reject({ orderId, reason, lines });
    outcomes.push(rejected(orderId, null, reason, lines));
  };

  for (const request of requests) {
    if (request.kind === 'PLACE' || (request.kind === 'OVERDUE' && request.awaiting === 'RESERVATION')) {
      const { orderId } = request;
      // Decided before (an OrderPlaced delivered again, or asked after by OrderOverdue): the same answer again.
      const rejection = decisions.rejectionOf(orderId);
      if (rejection) {
        outcomes.push(rejected(orderId, null, rejection.reason, rejection.lines));
        continue;
      }
      const reservation = decisions.reservationOf(orderId);
      if (reservation) {
        outcomes.push({ kind: 'RESERVED', orderId, changeId: null, ...reservation });
        continue;
      }
      if (request.kind === 'OVERDUE') {
        // Never decided: its OrderPlaced was parked or lost. Rejected now, and a late OrderPlaced finds that.
        rejectOrder(orderId, 'TIMED_OUT', []);
        continue;
      }
      const lines = mergeLines(request.lines);
      if (round === null) {
        rejectOrder(
          orderId,
          'NO_OPEN_ROUND',
          lines.map((l) => ({ productId: l.productId, requested: l.quantity, available: 0 })),
        );
        continue;
      }
      const unknown = lines.filter((l) => !stock.has(l.productId));
      if (unknown.length > 0) {
        rejectOrder(
          orderId,
          'UNKNOWN_PRODUCT',
          unknown.map((l) => ({ productId: l.productId, requested: l.quantity, available: 0 })),
        );
        continue;
      }
      const short = lines.filter((l) => l.quantity > availableOf(stock.get(l.productId)!));
      if (short.length > 0) {
        rejectOrder(
          orderId,
          'INSUFFICIENT_STOCK',
          short.map((l) => ({ productId: l.productId, requested: l.quantity, available: availableOf(stock.get(l.productId)!) })),
        );
        continue;
      }
      for (const line of lines) {
        move(stock.get(line.productId)!, 'RESERVE', line.quantity, orderId);
        hold({ orderId, productId: line.productId, roundNumber: round, quantity: line.quantity, unitPriceCents: line.unitPriceCents });
      }
      outcomes.push({ kind: 'RESERVED', orderId, changeId: null, roundNumber: round, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) });
    } else if (request.kind === 'CANCEL' || request.kind === 'OVERDUE') {
      const { orderId } = request;
      const holding = heldBy(orderId);
      if (holding.length === 0) {
        // Nothing held: never reserved, sold when its round closed (RoundClosed told the order service),
        // or given back already, which an overdue cancellation is told again (its StockReleased went missing).
        if (request.kind === 'OVERDUE' && decisions.allReleased(orderId)) outcomes.push({ kind: 'RELEASED', orderId, lines: [] });
        continue;
      }
      for (const r of holding) {
        move(stock.get(r.productId)!, 'RELEASE', r.quantity, orderId);
        hold({ ...r, quantity: 0 });
      }
      outcomes.push({ kind: 'RELEASED', orderId, lines: holding.map((r) => ({ productId: r.productId, quantity: r.quantity })) });
    } else {
      const { orderId, changeId, productId, quantity } = request;
      const asked = [{ productId, requested: quantity, available: 0 }];
      // An order that holds nothing in the open round was never confirmed in it (or is sold): it cannot change now.
      if (round === null || heldBy(orderId).length === 0) {
        outcomes.push(rejected(orderId, changeId, 'NO_OPEN_ROUND', asked));
        continue;
      }
      const row = stock.get(productId);
      if (!row) {
        outcomes.push(rejected(orderId, changeId, 'UNKNOWN_PRODUCT', asked));
        continue;
      }
      const old = held.get(key(orderId, productId))?.quantity ?? 0;
      const difference = quantity - old;
      if (difference > availableOf(row)) {
        // The most this line could become is what it holds plus what is left.
        outcomes.push(rejected(orderId, changeId, 'INSUFFICIENT_STOCK', [{ productId, requested: quantity, available: old + availableOf(row) }]));
        continue;
      }
      if (difference > 0) move(row, 'RESERVE', difference, orderId);
      if (difference < 0) move(row, 'RELEASE', -difference, orderId);
      hold({ orderId, productId, roundNumber: round, quantity, unitPriceCents: request.unitPriceCents });
      outcomes.push({ kind: 'RESERVED', orderId, changeId, roundNumber: round, lines: [{ productId, quantity, delta: difference }] });
    }
  }

  const changes: StockChange[] = [];
  for (const [productId, after] of stock) {
    const before = original.get(productId)!;
    if (before.onHand !== after.onHand || before.reserved !== after.reserved) changes.push({ before, after });
  }
  return { changes, outcomes, movements, reservations: [...written.values()], rejections: decisions.newRejections };
}

/** An order naming a product twice wants the sum of both lines (at the first line's price). */
export function mergeLines(lines: OrderLine[]): OrderLine[] {
  const merged = new Map<string, OrderLine>();
  for (const line of lines) {
    const seen = merged.get(line.productId);
    merged.set(line.productId, seen ? { ...seen, quantity: seen.quantity + line.quantity } : { ...line });
  }
  return [...merged.values()];
}

function rejected(orderId: string, changeId: string | null, reason: RejectionReason, lines: ShortLine[]): Outcome {
  return { kind: 'REJECTED', orderId, changeId, reason, lines };
}

/** Every product a batch of requests may touch: its lines, and what the batch's orders hold. */
export function productsTouched(requests: ReservationRequest[], reservations: Reservation[]): string[] {
  const ids = new Set<string>();
  const orders = new Set<string>();
  for (const r of requests) {
    orders.add(r.orderId);
    if (r.kind === 'PLACE') r.lines.forEach((l) => ids.add(l.productId));
    if (r.kind === 'CHANGE') ids.add(r.productId);
  }
  for (const r of reservations) if (orders.has(r.orderId)) ids.add(r.productId);
  return [...ids].sort();
}
