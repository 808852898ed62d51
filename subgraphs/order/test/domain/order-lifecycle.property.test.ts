import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { OrderStatus, canMove, cancellationRefusal, changeRefusal, isFinal, statusesThatMayBecome } from '../../src/domain/order-lifecycle.js';
import { RejectionReason, ROUND_NOT_OPEN_MESSAGE, hasShortage, resultKindOf, type PlaceOrderResultKind } from '../../src/domain/place-order-result.js';

const RUNS = propertyRuns(300);
const STATUSES = Object.values(OrderStatus);
const status = fc.constantFrom(...STATUSES);

/** Applies the attempted moves an order is asked for, keeping only the allowed ones. */
const walk = (attempts: OrderStatus[]) => attempts.reduce<OrderStatus[]>((path, to) => (canMove(path.at(-1)!, to) ? [...path, to] : path), [OrderStatus.Pending]);

describe('the life of an order, along any sequence of attempted moves', () => {
  it('starts PENDING, moves at most twice, and never comes back to a status it left', () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 30 }), (attempts) => {
        const path = walk(attempts);
        expect(path.length).toBeLessThanOrEqual(3);
        expect(new Set(path).size).toBe(path.length);
      }),
      RUNS,
    );
  });

  it('ends only in a final status or waiting, and a final status accepts no move at all', () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 30 }), status, (attempts, next) => {
        const last = walk(attempts).at(-1)!;
        if (isFinal(last)) expect(canMove(last, next)).toBe(false);
        expect(isFinal(last)).toBe(STATUSES.every((to) => !canMove(last, to)));
      }),
      RUNS,
    );
  });

  it('reaches FULFILLED or CANCELLED only through CONFIRMED, and REJECTED only from PENDING', () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 30 }), (attempts) => {
        const path = walk(attempts);
        for (const [i, s] of path.entries()) {
          if (s === 'FULFILLED' || s === 'CANCELLED') expect(path[i - 1]).toBe('CONFIRMED');
          if (s === 'REJECTED' || s === 'CONFIRMED') expect(path[i - 1]).toBe('PENDING');
        }
      }),
      RUNS,
    );
  });

  it('guards each status change with exactly the statuses it may come from', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        expect(statusesThatMayBecome(to).includes(from)).toBe(canMove(from, to));
        expect(canMove(from, from)).toBe(false);
      }),
      RUNS,
    );
  });

  it('lets the customer cancel or change exactly the orders that may still become CANCELLED', () => {
    fc.assert(
      fc.property(status, fc.boolean(), (s, cancelling) => {
        expect(cancellationRefusal({ status: s }) === null).toBe(canMove(s, 'CANCELLED'));
        const refusal = changeRefusal({ status: s, cancellationRequested: cancelling });
        expect(refusal === null).toBe(canMove(s, 'CANCELLED') && !cancelling);
        if (refusal !== null && s !== 'CONFIRMED') expect(refusal).toContain(s);
      }),
      RUNS,
    );
  });

  it('answers an order as an Order unless it was rejected: for want of a round RoundNotOpen, for a shortage InsufficientStock, and one inventory never got in time (TIMED_OUT) as the REJECTED Order itself', () => {
    /**
     * What a rejected order is answered with, by reason. TIMED_OUT names no shortage and no closed
     * round (one may well be open): the Order, REJECTED with rejectionReason TIMED_OUT, says what happened.
     */
    const REJECTED_AS: Record<RejectionReason, PlaceOrderResultKind> = {
      INSUFFICIENT_STOCK: 'InsufficientStock',
      UNKNOWN_PRODUCT: 'InsufficientStock',
      NO_OPEN_ROUND: 'RoundNotOpen',
      TIMED_OUT: 'Order',
    };
    const reason = fc.option(fc.constantFrom<string>(...Object.values(RejectionReason), 'SOMETHING_NEW'));
    fc.assert(
      fc.property(status, reason, (s, r) => {
        const kind = resultKindOf({ status: s, rejectionReason: r });
        if (s !== 'REJECTED') expect(kind).toBe('Order');
        // A reason this service does not know yet is answered as a shortage (the order's rejection lines, possibly none).
        else expect(kind).toBe(REJECTED_AS[r as RejectionReason] ?? 'InsufficientStock');
        // Order.rejection shows a shortage exactly when the answer is InsufficientStock: never for TIMED_OUT.
        expect(hasShortage({ status: s, rejectionReason: r })).toBe(kind === 'InsufficientStock');
      }),
      RUNS,
    );
    expect(ROUND_NOT_OPEN_MESSAGE).toMatch(/^No distribution round is open.*next round opens\.$/);
  });
});
