import { describe, expect, it } from 'vitest';
import { applySupplyChanges, latestFacts, movesStock, type SupplyChange } from '../../src/domain/supply.js';
import type { StockRow } from '../../src/domain/stock.js';

const row = (productId: string, onHand: number, reserved = 0, roundNumber: number | null = 2): StockRow => ({
  productId,
  manufacturerId: 'm1',
  category: 'tea',
  onHand,
  reserved,
  lowStockThreshold: 5,
  roundNumber,
});
const supply = (productId: string, reason: SupplyChange['reason'], delta: number, supplyAfter: number, extra: Partial<SupplyChange> = {}): SupplyChange => ({
  productId,
  manufacturerId: 'm1',
  category: 'tea',
  unitPriceCents: 100,
  supply: supplyAfter,
  delta,
  reason,
  discontinued: reason === 'DISCONTINUED',
  ...extra,
});

describe('supply reaching stock', () => {
  it('moves stock only for new production, new products and discontinuation', () => {
    expect(movesStock(supply('a', 'CREATED', 5, 5))).toBe(true);
    expect(movesStock(supply('a', 'PRODUCED', 3, 8))).toBe(true);
    expect(movesStock(supply('a', 'DISCONTINUED', 0, 8))).toBe(true);
    expect(movesStock(supply('a', 'CREATED', 0, 0))).toBe(false);
    expect(movesStock(supply('a', 'UPDATED', 0, 8))).toBe(false);
    expect(movesStock(supply('a', 'SETTLED', -4, 4))).toBe(false);
  });

  it('changes nothing in stock while no round is open (the next opening pulls supply)', () => {
    expect(applySupplyChanges({ roundNumber: null, stock: [row('a', 4)], defaultThreshold: 5 }, [supply('a', 'PRODUCED', 3, 7)])).toEqual({ changes: [], movements: [] });
  });

  it('adds production during an open round as SUPPLY_IN, in order', () => {
    const result = applySupplyChanges({ roundNumber: 2, stock: [row('a', 4, 1)], defaultThreshold: 5 }, [supply('a', 'PRODUCED', 3, 7), supply('a', 'PRODUCED', 2, 9)]);
    expect(result.changes).toEqual([{ before: row('a', 4, 1), after: row('a', 9, 1) }]);
    expect(result.movements.map((m) => [m.kind, m.quantity, m.roundNumber])).toEqual([
      ['SUPPLY_IN', 3, 2],
      ['SUPPLY_IN', 2, 2],
    ]);
  });

  it('gives a product created during the round a stock row of its own', () => {
    const result = applySupplyChanges({ roundNumber: 2, stock: [], defaultThreshold: 7 }, [supply('new', 'CREATED', 6, 6, { manufacturerId: 'm9', category: 'cups' })]);
    expect(result.changes).toEqual([
      { before: null, after: { productId: 'new', manufacturerId: 'm9', category: 'cups', onHand: 6, reserved: 0, lowStockThreshold: 7, roundNumber: 2 } },
    ]);
  });

  it('keeps only what is promised of a discontinued product', () => {
    const result = applySupplyChanges({ roundNumber: 2, stock: [row('a', 10, 4)], defaultThreshold: 5 }, [supply('a', 'DISCONTINUED', 0, 10)]);
    expect(result.changes[0]!.after).toMatchObject({ onHand: 4, reserved: 4 });
    expect(result.movements).toEqual([{ productId: 'a', roundNumber: 2, kind: 'WITHDRAWN', quantity: 6, orderId: null }]);
  });

  it('ignores catalog-only changes and settlements for stock, and keeps the last facts for the read model', () => {
    const changes = [supply('a', 'UPDATED', 0, 4, { category: 'green tea' }), supply('a', 'SETTLED', -2, 2), supply('b', 'CREATED', 1, 1)];
    expect(applySupplyChanges({ roundNumber: 2, stock: [row('a', 4)], defaultThreshold: 5 }, changes.slice(0, 2)).changes).toEqual([]);
    expect(latestFacts(changes)).toEqual([
      { productId: 'a', manufacturerId: 'm1', category: 'tea', unitPriceCents: 100, supply: 2, discontinued: false },
      { productId: 'b', manufacturerId: 'm1', category: 'tea', unitPriceCents: 100, supply: 1, discontinued: false },
    ]);
  });
});
