import { describe, expect, it } from 'vitest';
import { hasShortage, resultKindOf } from '../../src/domain/place-order-result.js';

describe('the result placeOrder answers with', () => {
  it('is the order unless it was rejected', () => {
    for (const status of ['PENDING', 'CONFIRMED', 'CANCELLED', 'FULFILLED'] as const) expect(resultKindOf({ status, rejectionReason: null })).toBe('Order');
  });
  it('is InsufficientStock for a shortage or an unknown product, RoundNotOpen when no round is open', () => {
    expect(resultKindOf({ status: 'REJECTED', rejectionReason: 'INSUFFICIENT_STOCK' })).toBe('InsufficientStock');
    expect(resultKindOf({ status: 'REJECTED', rejectionReason: 'UNKNOWN_PRODUCT' })).toBe('InsufficientStock');
    expect(resultKindOf({ status: 'REJECTED', rejectionReason: 'NO_OPEN_ROUND' })).toBe('RoundNotOpen');
  });
  it('is the order itself, REJECTED with nothing short, when inventory never got it in time (TIMED_OUT)', () => {
    expect(resultKindOf({ status: 'REJECTED', rejectionReason: 'TIMED_OUT' })).toBe('Order');
    expect(hasShortage({ status: 'REJECTED', rejectionReason: 'TIMED_OUT' })).toBe(false);
    expect(hasShortage({ status: 'REJECTED', rejectionReason: 'INSUFFICIENT_STOCK' })).toBe(true);
  });
});
