import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyRequests, type PastReservation, type RecordedRejection, type ReservationRequest, type ReservationState } from '../../src/domain/reservation.js';
import type { StockRow } from '../../src/domain/stock.js';
import { outcomeEvent } from '../../src/events/payloads.js';

const ROUND = 3;
const row = (productId: string, onHand: number, reserved = 0): StockRow => ({
  productId,
  manufacturerId: `m-${productId}`,
  category: 'tea',
  onHand,
  reserved,
  lowStockThreshold: 5,
  roundNumber: ROUND,
});
const place = (orderId: string, productId: string, quantity: number): ReservationRequest => ({
  kind: 'PLACE',
  orderId,
  lines: [{ productId, quantity, unitPriceCents: 250 }],
});
const overdue = (orderId: string, awaiting: 'RESERVATION' | 'RELEASE' = 'RESERVATION'): ReservationRequest => ({ kind: 'OVERDUE', orderId, awaiting });
const past = (orderId: string, productId: string, quantity: number, status: PastReservation['status'], roundNumber = ROUND): PastReservation => ({
  orderId,
  productId,
  roundNumber,
  quantity,
  status,
});
const state = (stock: StockRow[], more: Partial<ReservationState> = {}): ReservationState => ({ roundNumber: ROUND, stock, reservations: [], ...more });

describe('inventory decides each order once', () => {
  it('rejects, for good, an order it is asked about but never got (TIMED_OUT): a late OrderPlaced reserves nothing', () => {
    const result = applyRequests(state([row('tea', 10)]), [overdue('o1'), place('o1', 'tea', 2)]);
    expect(result.outcomes).toEqual([
      { kind: 'REJECTED', orderId: 'o1', changeId: null, reason: 'TIMED_OUT', lines: [] },
      { kind: 'REJECTED', orderId: 'o1', changeId: null, reason: 'TIMED_OUT', lines: [] },
    ]);
    expect(result.changes).toEqual([]);
    expect(result.rejections).toEqual([{ orderId: 'o1', reason: 'TIMED_OUT', lines: [] }]);
    // And in a later batch, from the recorded rejection.
    const later = applyRequests(state([row('tea', 10)], { rejections: result.rejections }), [place('o1', 'tea', 2)]);
    expect(later.outcomes).toEqual([{ kind: 'REJECTED', orderId: 'o1', changeId: null, reason: 'TIMED_OUT', lines: [] }]);
    expect(later.changes).toEqual([]);
    expect(later.rejections).toEqual([]);
  });

  it('answers an overdue order with the decision it made: the reservation again, or the rejection again', () => {
    const reserved = applyRequests(state([row('tea', 10, 2)], { reservations: [{ orderId: 'o1', productId: 'tea', roundNumber: ROUND, quantity: 2, unitPriceCents: 250 }] }), [
      overdue('o1'),
    ]);
    expect(reserved.outcomes).toEqual([{ kind: 'RESERVED', orderId: 'o1', changeId: null, roundNumber: ROUND, lines: [{ productId: 'tea', quantity: 2 }] }]);
    expect(reserved.changes).toEqual([]);

    const shortBefore: RecordedRejection = { orderId: 'o2', reason: 'INSUFFICIENT_STOCK', lines: [{ productId: 'tea', requested: 50, available: 8 }] };
    const rejected = applyRequests(state([row('tea', 10, 2)], { rejections: [shortBefore] }), [overdue('o2')]);
    expect(rejected.outcomes).toEqual([{ kind: 'REJECTED', orderId: 'o2', changeId: null, reason: 'INSUFFICIENT_STOCK', lines: shortBefore.lines }]);
    expect(rejected.rejections).toEqual([]);
  });

  it('keeps every rejection of a placed order, so an OrderPlaced delivered again cannot reserve what it was refused', () => {
    const first = applyRequests(state([row('tea', 1)]), [place('o1', 'tea', 5)]);
    expect(first.rejections).toEqual([{ orderId: 'o1', reason: 'INSUFFICIENT_STOCK', lines: [{ productId: 'tea', requested: 5, available: 1 }] }]);
    // Production came in meanwhile: there would be enough now, but the order was already answered.
    const again = applyRequests(state([row('tea', 50)], { rejections: first.rejections }), [place('o1', 'tea', 5)]);
    expect(again.outcomes).toMatchObject([{ kind: 'REJECTED', reason: 'INSUFFICIENT_STOCK' }]);
    expect(again.changes).toEqual([]);
  });

  it('tells an order sold with its round (its confirmation went missing) that it was reserved in that round, taking nothing now', () => {
    // The control: without its rows, the same order is rejected.
    expect(applyRequests(state([row('tea', 10)]), [overdue('o9')]).rejections).toHaveLength(1);
    const sold = applyRequests(state([row('tea', 10)], { pastReservations: [past('o9', 'tea', 3, 'SOLD', 2)] }), [overdue('o9'), place('o9', 'tea', 3)]);
    expect(sold.outcomes).toEqual([
      { kind: 'RESERVED', orderId: 'o9', changeId: null, roundNumber: 2, lines: [{ productId: 'tea', quantity: 3 }] },
      { kind: 'RESERVED', orderId: 'o9', changeId: null, roundNumber: 2, lines: [{ productId: 'tea', quantity: 3 }] },
    ]);
    expect(sold.changes).toEqual([]);
  });

  it('releases what an overdue cancellation still holds, says again that a released one was released, and leaves a sold one alone', () => {
    const holding = applyRequests(state([row('tea', 10, 4)], { reservations: [{ orderId: 'o1', productId: 'tea', roundNumber: ROUND, quantity: 4, unitPriceCents: 250 }] }), [
      overdue('o1', 'RELEASE'),
      overdue('o1', 'RELEASE'),
    ]);
    expect(holding.outcomes).toEqual([
      { kind: 'RELEASED', orderId: 'o1', lines: [{ productId: 'tea', quantity: 4 }] },
      { kind: 'RELEASED', orderId: 'o1', lines: [] },
    ]);
    expect(holding.changes.map((c) => c.after.reserved)).toEqual([0]);

    const released = applyRequests(state([row('tea', 10)], { pastReservations: [past('o2', 'tea', 0, 'RELEASED')] }), [overdue('o2', 'RELEASE')]);
    expect(released.outcomes).toEqual([{ kind: 'RELEASED', orderId: 'o2', lines: [] }]);
    const sold = applyRequests(state([row('tea', 10)], { pastReservations: [past('o3', 'tea', 2, 'SOLD')] }), [overdue('o3', 'RELEASE')]);
    expect(sold.outcomes).toEqual([]);
  });

  it('announces a TIMED_OUT rejection as StockRejected v2 and every other rejection as v1, which older readers know', () => {
    const [o1, o2, tea] = [randomUUID(), randomUUID(), randomUUID()];
    const [timedOut, short] = applyRequests(state([row(tea, 1)]), [overdue(o1), place(o2, tea, 5)]).outcomes;
    expect(outcomeEvent(timedOut!)).toMatchObject({ type: 'StockRejected', version: 2, payload: { orderId: o1, reason: 'TIMED_OUT' } });
    expect(outcomeEvent(short!)).toMatchObject({ type: 'StockRejected', version: 1, payload: { orderId: o2, reason: 'INSUFFICIENT_STOCK' } });
  });
});
