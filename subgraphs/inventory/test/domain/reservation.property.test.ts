import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { applyRequests, mergeLines, productsTouched, StockInvariantBroken, type Outcome, type ReservationRequest, type ReservationState } from '../../src/domain/reservation.js';
import { availableOf, keepsInvariant } from '../../src/domain/stock.js';
import { replayMovements, type Movement } from '../../src/domain/ledger.js';
import { GHOST, PRODUCTS, ROUND, earlierDecision, holdingsOf, isDecided, placeLines, requests, reservationState, rowOf, rowsOf, stateAfter, stockRow } from './arbitraries.js';

const RUNS = propertyRuns(100);

/** Applies the requests one by one, each seeing what the earlier ones left. */
function oneByOne(state: ReservationState, batch: ReservationRequest[]) {
  return batch.map((request) => {
    const result = applyRequests(state, [request]);
    const step = { request, before: state, result, after: stateAfter(state, result) };
    state = step.after;
    return step;
  });
}

const sumBy = <T>(items: T[], amount: (item: T) => number) => items.reduce((sum, item) => sum + amount(item), 0);
/** Outcomes with their lines in product order: what an order holds comes back in the order its rows were read. */
const decided = (outcomes: Outcome[]) => outcomes.map((o) => ({ ...o, lines: [...o.lines].sort((a, b) => a.productId.localeCompare(b.productId)) }));
/** A PLACE, or an OrderOverdue asking after one: both ask inventory for its decision on the order. */
const asksForDecision = (request: ReservationRequest) => request.kind === 'PLACE' || (request.kind === 'OVERDUE' && request.awaiting === 'RESERVATION');
/** The reservation rows inventory keeps, in a fixed order. */
const rowsInOrder = (state: ReservationState) => (state.pastReservations ?? []).map((r) => JSON.stringify(r)).sort();

describe('reservation rules, for any stock and any mix of orders', () => {
  it('keeps 0 <= reserved <= onHand on every row, and never changes what is on hand', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        const result = applyRequests(state, batch);
        for (const { before, after } of result.changes) {
          expect(keepsInvariant(after)).toBe(true);
          expect(after.onHand).toBe(before!.onHand);
        }
      }),
      RUNS,
    );
  });

  it('decides a batch exactly as it would decide its requests one after another', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        const whole = applyRequests(state, batch);
        const steps = oneByOne(state, batch);
        expect(decided(whole.outcomes)).toEqual(decided(steps.flatMap((s) => s.result.outcomes)));
        const inOrder = (movements: Movement[]) => movements.map((m) => JSON.stringify(m)).sort();
        expect(inOrder(whole.movements)).toEqual(inOrder(steps.flatMap((s) => s.result.movements)));
        const final = steps.at(-1)?.after ?? state;
        expect(stateAfter(state, whole).stock).toEqual(final.stock);
        expect(new Set(stateAfter(state, whole).reservations)).toEqual(new Set(final.reservations));
        // And it keeps the same decisions: the same reservation rows, the same rejections.
        expect(rowsInOrder(stateAfter(state, whole))).toEqual(rowsInOrder(final));
        expect(stateAfter(state, whole).rejections).toEqual(final.rejections);
      }),
      RUNS,
    );
  });

  it('reserves an order it has not decided yet entirely or not at all, and keeps a rejection to answer the same later', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        for (const { request, before, result, after } of oneByOne(state, batch)) {
          if (request.kind !== 'PLACE' || isDecided(before, request.orderId)) continue;
          const [outcome] = result.outcomes;
          expect(holdingsOf(before, request.orderId).size).toBe(0);
          const wanted = new Map(mergeLines(request.lines).map((l) => [l.productId, l.quantity]));
          const reserved = outcome!.kind === 'RESERVED';
          // Either the order now holds every line it asked for, or nothing at all: never a part.
          expect(holdingsOf(after, request.orderId)).toEqual(reserved ? wanted : new Map());
          const taken = new Map(result.movements.map((m) => [m.productId, m.quantity]));
          expect(taken).toEqual(reserved ? wanted : new Map());
          expect(result.movements.every((m) => m.kind === 'RESERVE' && m.orderId === request.orderId)).toBe(true);
          if (outcome!.kind === 'REJECTED') expect(result.rejections).toEqual([{ orderId: request.orderId, reason: outcome!.reason, lines: outcome!.lines }]);
          else expect(result.rejections).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('answers a PLACE, or an overdue placement, of an order it decided before with that same decision, and moves nothing', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        for (const { request, before, result } of oneByOne(state, batch)) {
          if (!asksForDecision(request) || !isDecided(before, request.orderId)) continue;
          // The recorded rejection again, or the round it was reserved in with what it holds (or was sold) now.
          expect(decided(result.outcomes)).toEqual(decided([earlierDecision(before, request.orderId)!]));
          expect([result.changes, result.movements, result.reservations, result.rejections]).toEqual([[], [], [], []]);
        }
      }),
      RUNS,
    );
  });

  it('answers a second PLACE of an order with its first decision, in the same batch or a later one, and the second takes no stock', () => {
    // An order id the generated batches never use, so that nothing between the two placements touches it.
    const orderId = 'placed-twice';
    fc.assert(
      fc.property(reservationState(), placeLines, placeLines, requests, (state, firstLines, secondLines, between) => {
        const first: ReservationRequest = { kind: 'PLACE', orderId, lines: firstLines };
        const second: ReservationRequest = { kind: 'PLACE', orderId, lines: secondLines };
        const once = applyRequests(state, [first, ...between]);
        const twice = applyRequests(state, [first, ...between, second]);
        const decision = once.outcomes[0]!;
        expect(decision.orderId).toBe(orderId);
        expect(decided([twice.outcomes.at(-1)!])).toEqual(decided([decision]));
        expect(twice.outcomes.slice(0, -1)).toEqual(once.outcomes);
        expect([twice.changes, twice.movements, twice.reservations, twice.rejections]).toEqual([once.changes, once.movements, once.reservations, once.rejections]);
        // Delivered again in a later batch, it finds what inventory kept of the first.
        const later = applyRequests(stateAfter(state, once), [second]);
        expect(decided(later.outcomes)).toEqual(decided([decision]));
        expect([later.changes, later.movements, later.reservations, later.rejections]).toEqual([[], [], [], []]);
      }),
      RUNS,
    );
  });

  it('rejects for good, as TIMED_OUT, an order it is asked after (overdue) but never got, taking nothing', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        for (const { request, before, result } of oneByOne(state, batch)) {
          if (request.kind !== 'OVERDUE' || request.awaiting !== 'RESERVATION' || isDecided(before, request.orderId)) continue;
          expect(result.outcomes).toEqual([{ kind: 'REJECTED', orderId: request.orderId, changeId: null, reason: 'TIMED_OUT', lines: [] }]);
          expect(result.rejections).toEqual([{ orderId: request.orderId, reason: 'TIMED_OUT', lines: [] }]);
          expect([result.changes, result.movements, result.reservations]).toEqual([[], [], []]);
        }
      }),
      RUNS,
    );
  });

  it('rejects an order for lack of stock exactly when a line asks for more than is available, naming exactly those lines', () => {
    fc.assert(
      fc.property(reservationState({ roundOpen: true }), requests, (state, batch) => {
        for (const { request, before, result } of oneByOne(state, batch)) {
          if (request.kind !== 'PLACE' || isDecided(before, request.orderId)) continue;
          if (request.lines.some((l) => l.productId === GHOST)) continue;
          const short = mergeLines(request.lines)
            .map((l) => ({ productId: l.productId, requested: l.quantity, available: availableOf(rowOf(before, l.productId)!) }))
            .filter((l) => l.requested > l.available);
          const [outcome] = result.outcomes;
          if (short.length === 0) expect(outcome!.kind).toBe('RESERVED');
          else expect(outcome).toMatchObject({ kind: 'REJECTED', reason: 'INSUFFICIENT_STOCK', lines: short });
        }
      }),
      RUNS,
    );
  });

  it('reports as available exactly what an order could have had: asking for that instead succeeds', () => {
    fc.assert(
      fc.property(reservationState({ roundOpen: true }), requests, (state, batch) => {
        for (const { request, before, result } of oneByOne(state, batch)) {
          const [outcome] = result.outcomes;
          if (outcome?.kind !== 'REJECTED' || outcome.reason !== 'INSUFFICIENT_STOCK') continue;
          const offered = new Map(outcome.lines.map((l) => [l.productId, l.available]));
          if (request.kind === 'CHANGE') {
            expect(applyRequests(before, [{ ...request, quantity: offered.get(request.productId)! }]).outcomes[0]!.kind).toBe('RESERVED');
          } else if (request.kind === 'PLACE' && !isDecided(before, request.orderId)) {
            // A first decision (a repeat would only say the recorded rejection again).
            const lines = mergeLines(request.lines)
              .map((l) => ({ ...l, quantity: offered.get(l.productId) ?? l.quantity }))
              .filter((l) => l.quantity > 0);
            if (lines.length > 0) expect(applyRequests(before, [{ ...request, lines }]).outcomes[0]!.kind).toBe('RESERVED');
          }
        }
      }),
      RUNS,
    );
  });

  it('gives back exactly what a cancelled order held, and it holds nothing afterwards', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        for (const { request, before, result, after } of oneByOne(state, batch)) {
          const overdue = request.kind === 'OVERDUE' && request.awaiting === 'RELEASE';
          if (request.kind !== 'CANCEL' && !overdue) continue;
          const heldBefore = holdingsOf(before, request.orderId);
          expect(holdingsOf(after, request.orderId).size).toBe(0);
          const released = result.outcomes.flatMap((o) => (o.kind === 'RELEASED' ? o.lines : []));
          expect(new Map(released.map((l) => [l.productId, l.quantity]))).toEqual(heldBefore);
          for (const [productId, quantity] of heldBefore) expect(rowOf(after, productId)!.reserved).toBe(rowOf(before, productId)!.reserved - quantity);
          if (heldBefore.size > 0) continue;
          // Nothing held: a cancellation says nothing; an overdue one whose StockReleased went missing is told again that all was given back.
          const rows = rowsOf(before, request.orderId);
          const givenBack = rows.length > 0 && rows.every((r) => r.status === 'RELEASED');
          expect(result.outcomes).toEqual(overdue && givenBack ? [{ kind: 'RELEASED', orderId: request.orderId, lines: [] }] : []);
        }
      }),
      RUNS,
    );
  });

  it('moves a changed line to exactly the asked quantity, or leaves it as it was', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        for (const { request, before, result, after } of oneByOne(state, batch)) {
          if (request.kind !== 'CHANGE') continue;
          const was = holdingsOf(before, request.orderId);
          const now = holdingsOf(after, request.orderId);
          if (result.outcomes[0]!.kind === 'RESERVED') {
            expect(now.get(request.productId) ?? 0).toBe(request.quantity);
            expect(result.outcomes[0]).toMatchObject({
              lines: [{ productId: request.productId, quantity: request.quantity, delta: request.quantity - (was.get(request.productId) ?? 0) }],
            });
          } else {
            expect(now).toEqual(was);
          }
          for (const productId of new Set([...was.keys(), ...now.keys()])) if (productId !== request.productId) expect(now.get(productId)).toBe(was.get(productId));
        }
      }),
      RUNS,
    );
  });

  it('keeps stock rows and reservation rows in agreement, and the ledger accounts for every unit', () => {
    fc.assert(
      fc.property(reservationState(), requests, (state, batch) => {
        const result = applyRequests(state, batch);
        const after = stateAfter(state, result);
        for (const productId of PRODUCTS) {
          const held = (s: ReservationState) =>
            sumBy(
              s.reservations.filter((r) => r.productId === productId),
              (r) => r.quantity,
            );
          const before = rowOf(state, productId)!;
          const now = rowOf(after, productId)!;
          // What other orders hold is untouched: the rows change exactly as the batch's reservations do.
          expect(now.reserved - held(after)).toBe(before.reserved - held(state));
          const replay = replayMovements(result.movements.filter((m) => m.productId === productId));
          expect(before.reserved + replay.reserved).toBe(now.reserved);
          expect(replay.onHand).toBe(0);
        }
        expect(result.movements.every((m) => m.quantity > 0 && m.roundNumber === state.roundNumber && batch.some((r) => r.orderId === m.orderId))).toBe(true);
        // Each row that changed is reported once.
        expect(new Set(result.changes.map((c) => c.after.productId)).size).toBe(result.changes.length);
      }),
      RUNS,
    );
  });

  it('changes nothing when a line is changed to what it already holds', () => {
    fc.assert(
      fc.property(reservationState({ roundOpen: true }), fc.nat(), (state, pick) => {
        const holding = state.reservations.filter((r) => r.quantity > 0);
        fc.pre(holding.length > 0);
        const line = holding[pick % holding.length]!;
        const result = applyRequests(state, [
          { kind: 'CHANGE', orderId: line.orderId, changeId: 'same', productId: line.productId, quantity: line.quantity, unitPriceCents: line.unitPriceCents },
        ]);
        expect(result.outcomes).toEqual([
          { kind: 'RESERVED', orderId: line.orderId, changeId: 'same', roundNumber: state.roundNumber, lines: [{ productId: line.productId, quantity: line.quantity, delta: 0 }] },
        ]);
        expect([result.changes, result.movements]).toEqual([[], []]);
      }),
      RUNS,
    );
  });

  it('never writes a row past the invariant, even one that was already over-promised', () => {
    fc.assert(
      fc.property(reservationState({ roundOpen: true }), requests, fc.integer({ min: 1, max: 5 }), (state, batch, excess) => {
        // Corrupt every row: more promised than on hand.
        const corrupt = { ...state, stock: state.stock.map((row) => ({ ...row, onHand: Math.max(0, row.reserved - excess) })) };
        let result;
        try {
          result = applyRequests(corrupt, batch);
        } catch (error) {
          expect(error).toBeInstanceOf(StockInvariantBroken);
          expect((error as Error).message).toMatch(/(RESERVE|RELEASE) \d+ of p\d would leave reserved \d+ of \d+/);
          return;
        }
        // Without a throw, every row it writes keeps the invariant (a release may mend one).
        for (const { after } of result.changes) expect(keepsInvariant(after)).toBe(true);
      }),
      RUNS,
    );
  });

  it('reserves nothing at all while no round is open: a new order or a change is refused, an order decided in an earlier round hears that again', () => {
    fc.assert(
      fc.property(reservationState({ roundOpen: false }), requests, (state, batch) => {
        const result = applyRequests(state, batch);
        expect(result.changes).toEqual([]);
        expect(result.movements).toEqual([]);
        expect(result.reservations).toEqual([]);
        for (const { request, before, result: step } of oneByOne(state, batch)) {
          const earlier = earlierDecision(before, request.orderId);
          if (request.kind === 'PLACE' && !earlier) {
            const lines = mergeLines(request.lines).map((l) => ({ productId: l.productId, requested: l.quantity, available: 0 }));
            expect(step.outcomes).toEqual([{ kind: 'REJECTED', orderId: request.orderId, changeId: null, reason: 'NO_OPEN_ROUND', lines }]);
          } else if (request.kind === 'CHANGE') {
            expect(step.outcomes).toMatchObject([{ kind: 'REJECTED', changeId: request.changeId, reason: 'NO_OPEN_ROUND' }]);
          } else if (request.kind === 'CANCEL') {
            expect(step.outcomes).toEqual([]);
          }
          // Whatever else it answers RESERVED is an order reserved in an earlier round, told so again.
          for (const o of step.outcomes.filter((o) => o.kind === 'RESERVED')) {
            expect(decided([o])).toEqual(decided([earlier!]));
            expect(o.roundNumber).toBeLessThan(ROUND);
          }
        }
      }),
      RUNS,
    );
  });

  it('needs only the rows productsTouched names: locking just those decides the same', () => {
    fc.assert(
      fc.property(reservationState(), requests, fc.integer({ min: 0, max: 20 }), (state, batch, extra) => {
        const bystander = stockRow('zz-bystander', extra);
        const full = applyRequests({ ...state, stock: [...state.stock, bystander] }, batch);
        const touched = new Set(productsTouched(batch, state.reservations));
        const locked = applyRequests({ ...state, stock: state.stock.filter((row) => touched.has(row.productId)) }, batch);
        expect(locked).toEqual(full);
        const ids = [...touched];
        expect(ids).toEqual([...ids].sort());
      }),
      RUNS,
    );
  });

  it('merges lines naming the same product into one, keeping every unit asked for', () => {
    const line = fc.record({ productId: fc.constantFrom('a', 'b', 'c'), quantity: fc.integer({ min: 1, max: 1000 }), unitPriceCents: fc.integer({ min: 1, max: 9999 }) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const merged = mergeLines(lines);
        expect(new Set(merged.map((l) => l.productId)).size).toBe(merged.length);
        expect(merged.map((l) => l.productId)).toEqual([...new Set(lines.map((l) => l.productId))]);
        for (const m of merged) {
          const same = lines.filter((l) => l.productId === m.productId);
          expect(m.quantity).toBe(sumBy(same, (l) => l.quantity));
          expect(m.unitPriceCents).toBe(same[0]!.unitPriceCents);
        }
      }),
      RUNS,
    );
  });
});
