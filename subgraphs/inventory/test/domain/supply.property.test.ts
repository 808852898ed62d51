import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { replayMovements } from '../../src/domain/ledger.js';
import { keepsInvariant } from '../../src/domain/stock.js';
import { applySupplyChanges, latestFacts, movesStock, type SupplyChange, type SupplyChangeReason } from '../../src/domain/supply.js';
import { ROUND, stockRow } from './arbitraries.js';

const RUNS = propertyRuns(200);
const PRODUCTS = ['a', 'b', 'c', 'd'];

const rows = fc
  .uniqueArray(fc.record({ productId: fc.constantFrom(...PRODUCTS), reserved: fc.nat(10), free: fc.nat(10) }), { selector: (r) => r.productId })
  .map((list) => list.map((r) => stockRow(r.productId, r.reserved + r.free, r.reserved)));
const change = fc
  .record({
    productId: fc.constantFrom(...PRODUCTS),
    reason: fc.constantFrom<SupplyChangeReason>('CREATED', 'PRODUCED', 'UPDATED', 'DISCONTINUED', 'SETTLED'),
    delta: fc.integer({ min: -5, max: 20 }),
    supply: fc.nat(100),
    category: fc.constantFrom('tea', 'cups'),
  })
  .map((c): SupplyChange => ({ ...c, manufacturerId: `m-${c.productId}`, unitPriceCents: 100, discontinued: c.reason === 'DISCONTINUED' }));
const changes = fc.array(change, { maxLength: 12 });

describe('supply reaching stock during an open round', () => {
  it('moves nothing at all while no round is open', () => {
    fc.assert(
      fc.property(rows, changes, (stock, batch) => {
        expect(applySupplyChanges({ roundNumber: null, stock, defaultThreshold: 3 }, batch)).toEqual({ changes: [], movements: [] });
      }),
      RUNS,
    );
  });

  it('never touches what is promised, keeps the invariant, and the ledger explains every row', () => {
    fc.assert(
      fc.property(rows, changes, (stock, batch) => {
        const result = applySupplyChanges({ roundNumber: ROUND, stock, defaultThreshold: 3 }, batch);
        expect(new Set(result.changes.map((c) => c.after.productId)).size).toBe(result.changes.length);
        for (const { before, after } of result.changes) {
          expect(keepsInvariant(after)).toBe(true);
          expect(after.reserved).toBe(before?.reserved ?? 0);
          expect(after.roundNumber).toBe(ROUND);
          const replay = replayMovements(result.movements.filter((m) => m.productId === after.productId));
          expect((before?.onHand ?? 0) + replay.onHand).toBe(after.onHand);
        }
        expect(result.movements.every((m) => m.quantity > 0 && m.roundNumber === ROUND && m.orderId === null)).toBe(true);
      }),
      RUNS,
    );
  });

  it('adds every unit of new production, and leaves a discontinued product only what is promised', () => {
    fc.assert(
      fc.property(rows, changes, (stock, batch) => {
        const result = applySupplyChanges({ roundNumber: ROUND, stock, defaultThreshold: 3 }, batch);
        for (const productId of PRODUCTS) {
          const before = stock.find((r) => r.productId === productId);
          const after = result.changes.find((c) => c.after.productId === productId)?.after ?? before;
          // New units (created or produced) and discontinuation move stock; catalog edits and settlements do not.
          const own = batch.filter((c) => c.productId === productId && (((c.reason === 'CREATED' || c.reason === 'PRODUCED') && c.delta > 0) || c.reason === 'DISCONTINUED'));
          const lastStop = own.map((c) => c.reason).lastIndexOf('DISCONTINUED');
          const producedAfterStop = own.slice(lastStop + 1).reduce((sum, c) => sum + c.delta, 0);
          if (lastStop === -1) expect(after?.onHand ?? 0).toBe((before?.onHand ?? 0) + producedAfterStop);
          else if (before) expect(after!.onHand).toBe(before.reserved + producedAfterStop);
          // Catalog edits and settlements never move stock by themselves.
          if (own.length === 0) expect(after).toEqual(before);
        }
      }),
      RUNS,
    );
  });

  it('says which announcements move stock: new units and discontinuation only', () => {
    fc.assert(
      fc.property(change, (c) => {
        const newUnits = (c.reason === 'CREATED' || c.reason === 'PRODUCED') && c.delta > 0;
        expect(movesStock(c)).toBe(newUnits || c.reason === 'DISCONTINUED');
      }),
      RUNS,
    );
  });

  it('keeps, for the read model, the last announcement of each product', () => {
    fc.assert(
      fc.property(changes, (batch) => {
        const facts = latestFacts(batch);
        expect(facts.map((f) => f.productId)).toEqual([...new Set(batch.map((c) => c.productId))]);
        for (const f of facts) {
          const { delta: _d, reason: _r, ...last } = batch.filter((c) => c.productId === f.productId).at(-1)!;
          expect(f).toEqual(last);
        }
      }),
      RUNS,
    );
  });
});
