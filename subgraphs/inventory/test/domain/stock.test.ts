import { describe, expect, it } from 'vitest';
import { emptyStock, keepsInvariant, stockSignals, stockStatus, type StockRow } from '../../src/domain/stock.js';
import { replayMovements } from '../../src/domain/ledger.js';

const row = (onHand: number, reserved: number, lowStockThreshold = 5): StockRow => ({
  productId: 'p',
  manufacturerId: 'm',
  category: 'tea',
  onHand,
  reserved,
  lowStockThreshold,
  roundNumber: 1,
});

describe('stock status', () => {
  it('is DEPLETED at 0, LOW up to the threshold, IN_STOCK above', () => {
    expect(stockStatus(0, 5)).toBe('DEPLETED');
    expect(stockStatus(1, 5)).toBe('LOW');
    expect(stockStatus(5, 5)).toBe('LOW');
    expect(stockStatus(6, 5)).toBe('IN_STOCK');
    expect(stockStatus(1, 0)).toBe('IN_STOCK');
  });

  it('keeps 0 <= reserved <= onHand', () => {
    expect(keepsInvariant({ onHand: 3, reserved: 3 })).toBe(true);
    expect(keepsInvariant({ onHand: 3, reserved: 4 })).toBe(false);
    expect(keepsInvariant({ onHand: 3, reserved: -1 })).toBe(false);
  });

  it('treats a product never heard of as empty', () => {
    expect(emptyStock('x', 5)).toMatchObject({ onHand: 0, reserved: 0, roundNumber: null });
  });
});

describe('what a change of stock announces', () => {
  it('announces low stock once, when available crosses the threshold', () => {
    expect(stockSignals({ before: row(10, 0), after: row(10, 5) })).toEqual({ changed: true, becameLow: true, depleted: false });
    expect(stockSignals({ before: row(10, 5), after: row(10, 7) })).toEqual({ changed: true, becameLow: false, depleted: false });
    expect(stockSignals({ before: row(10, 0), after: row(10, 10) })).toEqual({ changed: true, becameLow: true, depleted: true });
  });

  it('announces depletion when available reaches zero', () => {
    expect(stockSignals({ before: row(3, 2), after: row(3, 3) })).toMatchObject({ depleted: true, becameLow: false });
    expect(stockSignals({ before: row(3, 3), after: row(0, 0) })).toMatchObject({ depleted: false });
  });

  it('announces a threshold raised above what is available as low stock', () => {
    expect(stockSignals({ before: row(10, 0, 5), after: row(10, 0, 20) })).toEqual({ changed: true, becameLow: true, depleted: false });
  });

  it('announces a new row as a change', () => {
    expect(stockSignals({ before: null, after: row(8, 0) })).toEqual({ changed: true, becameLow: false, depleted: false });
    expect(stockSignals({ before: row(8, 0), after: row(8, 0) }).changed).toBe(false);
  });

  it('replays the ledger: supply in, reserve, release, sale, withdrawal', () => {
    expect(
      replayMovements([
        { kind: 'ROUND_OPENED_SUPPLY', quantity: 10 },
        { kind: 'SUPPLY_IN', quantity: 2 },
        { kind: 'RESERVE', quantity: 5 },
        { kind: 'RELEASE', quantity: 1 },
        { kind: 'SALE', quantity: 4 },
        { kind: 'WITHDRAWN', quantity: 3 },
      ]),
    ).toEqual({ onHand: 5, reserved: 0 });
  });
});
