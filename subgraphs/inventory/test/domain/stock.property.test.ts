import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { availableOf, emptyStock, keepsInvariant, stockSignals, stockStatus, type StockRow, type StockStatus } from '../../src/domain/stock.js';
import { stockRow } from './arbitraries.js';

const RUNS = propertyRuns(200);
const RANK: Record<StockStatus, number> = { DEPLETED: 0, LOW: 1, IN_STOCK: 2 };
const threshold = fc.integer({ min: 0, max: 20 });
/** A row that keeps the invariant. */
const row = fc
  .record({ reserved: fc.nat(30), free: fc.nat(30), threshold })
  .map(({ reserved, free, threshold: t }) => ({ ...stockRow('p', reserved + free, reserved), lowStockThreshold: t }));

describe('stock status, for any availability', () => {
  it('is DEPLETED with nothing available, LOW up to the threshold, IN_STOCK above it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 100 }), threshold, (available, t) => {
        const status = stockStatus(available, t);
        expect(status === 'DEPLETED').toBe(available <= 0);
        if (available > 0) expect(status).toBe(available > t ? 'IN_STOCK' : 'LOW');
      }),
      RUNS,
    );
  });

  it('never gets worse when more becomes available', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 60 }), fc.nat(20), threshold, (available, more, t) => {
        expect(RANK[stockStatus(available + more, t)]).toBeGreaterThanOrEqual(RANK[stockStatus(available, t)]);
      }),
      RUNS,
    );
  });
});

describe('the stock invariant', () => {
  it('holds exactly for whole numbers with 0 <= reserved <= onHand, and then nothing available is negative', () => {
    const number = fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double({ min: -5, max: 20 }), fc.constantFrom(NaN, Infinity));
    fc.assert(
      fc.property(number, number, (onHand, reserved) => {
        const keeps = keepsInvariant({ onHand, reserved });
        expect(keeps).toBe(Number.isInteger(onHand) && Number.isInteger(reserved) && reserved >= 0 && reserved <= onHand);
        if (keeps) expect(availableOf({ onHand, reserved })).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('holds for a product nobody has heard of, which has nothing at all', () => {
    const facts = fc.record({ manufacturerId: fc.string({ minLength: 1 }), category: fc.string({ minLength: 1 }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.string(), threshold, facts, (productId, t, known) => {
        const empty = emptyStock(productId, t, known);
        expect(keepsInvariant(empty)).toBe(true);
        expect(empty).toEqual({
          productId,
          manufacturerId: known.manufacturerId ?? '',
          category: known.category ?? '',
          onHand: 0,
          reserved: 0,
          lowStockThreshold: t,
          roundNumber: null,
        });
        expect(emptyStock(productId, t)).toMatchObject({ manufacturerId: '', category: '' });
        expect(stockStatus(availableOf(empty), t)).toBe('DEPLETED');
      }),
      RUNS,
    );
  });
});

describe('what watchers are told, along any sequence of stock changes', () => {
  it('announces depletion and low stock once per crossing, exactly when the status crosses', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        let before: StockRow | null = null;
        let depletedSince = false;
        for (const after of rows) {
          const signals = stockSignals({ before, after });
          const was = before ? availableOf(before) : 0;
          const now = availableOf(after);
          expect(signals.depleted).toBe(was > 0 && now === 0);
          // A depletion is told once: never again until something was available in between.
          if (signals.depleted) expect(depletedSince).toBe(false);
          if (now > 0) depletedSince = false;
          if (signals.depleted) depletedSince = true;
          const wasLowOrWorse = before ? RANK[stockStatus(was, before.lowStockThreshold)] < 2 : true;
          expect(signals.becameLow).toBe(!wasLowOrWorse && RANK[stockStatus(now, after.lowStockThreshold)] < 2);
          if (signals.depleted || signals.becameLow) expect(signals.changed).toBe(true);
          before = after;
        }
      }),
      RUNS,
    );
  });

  it('tells nothing when nothing a watcher sees changed, and tells of any change of a number it sees', () => {
    const seen = fc.constantFrom('onHand', 'reserved', 'lowStockThreshold', 'roundNumber');
    fc.assert(
      fc.property(row, seen, fc.integer({ min: 1, max: 3 }), (r, field, by) => {
        expect(stockSignals({ before: r, after: { ...r } })).toEqual({ changed: false, becameLow: false, depleted: false });
        const after = { ...r, [field]: (r[field] ?? 0) + by };
        expect(stockSignals({ before: r, after }).changed).toBe(true);
        // A row that did not exist is news, even when it holds nothing yet.
        expect(stockSignals({ before: null, after: emptyStock(r.productId, r.lowStockThreshold) }).changed).toBe(true);
      }),
      RUNS,
    );
  });
});
