import { describe, expect, it } from 'vitest';
import { OrderStatus, canMove, cancellationRefusal, changeRefusal, isFinal, statusesThatMayBecome } from '../../src/domain/order-lifecycle.js';

const ALL = Object.values(OrderStatus);

describe('the order lifecycle', () => {
  it('lets a pending order be confirmed or rejected, and nothing else', () => {
    expect(ALL.filter((to) => canMove(OrderStatus.Pending, to))).toEqual([OrderStatus.Confirmed, OrderStatus.Rejected]);
  });

  it('lets a confirmed order be cancelled or fulfilled, and nothing else', () => {
    expect(ALL.filter((to) => canMove(OrderStatus.Confirmed, to))).toEqual([OrderStatus.Cancelled, OrderStatus.Fulfilled]);
  });

  it('never moves an order out of CANCELLED, REJECTED or FULFILLED', () => {
    for (const from of [OrderStatus.Cancelled, OrderStatus.Rejected, OrderStatus.Fulfilled]) {
      expect(isFinal(from)).toBe(true);
      expect(ALL.filter((to) => canMove(from, to))).toEqual([]);
    }
    expect(isFinal(OrderStatus.Pending)).toBe(false);
    expect(isFinal(OrderStatus.Confirmed)).toBe(false);
  });

  it('ignores a repeated outcome: no status moves to itself', () => {
    for (const status of ALL) expect(canMove(status, status)).toBe(false);
  });

  it('nothing goes back to PENDING', () => {
    expect(statusesThatMayBecome(OrderStatus.Pending)).toEqual([]);
  });

  it('names the statuses an outcome may apply to (the guard of each SQL transition)', () => {
    expect(statusesThatMayBecome(OrderStatus.Confirmed)).toEqual([OrderStatus.Pending]);
    expect(statusesThatMayBecome(OrderStatus.Rejected)).toEqual([OrderStatus.Pending]);
    expect(statusesThatMayBecome(OrderStatus.Cancelled)).toEqual([OrderStatus.Confirmed]);
    expect(statusesThatMayBecome(OrderStatus.Fulfilled)).toEqual([OrderStatus.Confirmed]);
  });

  it('lets a customer cancel only a confirmed order', () => {
    expect(cancellationRefusal({ status: OrderStatus.Confirmed })).toBeNull();
    for (const status of [OrderStatus.Pending, OrderStatus.Rejected, OrderStatus.Cancelled, OrderStatus.Fulfilled]) {
      expect(cancellationRefusal({ status })).toContain(status);
    }
  });

  it('lets a customer change only a confirmed order that is not being cancelled', () => {
    expect(changeRefusal({ status: OrderStatus.Confirmed, cancellationRequested: false })).toBeNull();
    expect(changeRefusal({ status: OrderStatus.Confirmed, cancellationRequested: true })).toMatch(/cancel/i);
    for (const status of [OrderStatus.Pending, OrderStatus.Rejected, OrderStatus.Cancelled, OrderStatus.Fulfilled]) {
      expect(changeRefusal({ status, cancellationRequested: false })).toContain(status);
    }
  });
});
