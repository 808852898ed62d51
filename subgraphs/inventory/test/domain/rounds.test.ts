import { describe, expect, it } from 'vitest';
import { closingStock, manufacturersToSettle, nextRoundNumber, openingBlocker, openingStock, salesOf } from '../../src/domain/rounds.js';
import { StockInvariantBroken } from '../../src/domain/reservation.js';
import type { StockRow } from '../../src/domain/stock.js';
import type { ProductFacts } from '../../src/domain/supply.js';

const row = (productId: string, onHand: number, reserved = 0, roundNumber: number | null = 1): StockRow => ({
  productId,
  manufacturerId: 'm1',
  category: 'tea',
  onHand,
  reserved,
  lowStockThreshold: 5,
  roundNumber,
});
const product = (productId: string, supply: number, manufacturerId = 'm1'): ProductFacts => ({
  productId,
  manufacturerId,
  category: 'tea',
  unitPriceCents: 100,
  supply,
  discontinued: false,
});

describe('opening a round', () => {
  it('may open the first round, and the next one only after the last is settled', () => {
    expect(openingBlocker(null)).toBeNull();
    expect(openingBlocker({ number: 4, status: 'SETTLED' })).toBeNull();
    expect(openingBlocker({ number: 4, status: 'OPEN' })).toMatch(/Round 4 is still open/);
    expect(openingBlocker({ number: 4, status: 'CLOSED', awaitingSettlementFrom: ['m1', 'm2'] })).toBe(
      'Round 4 is closed but not settled yet: waiting for the settlement of manufacturers m1, m2',
    );
    expect(nextRoundNumber(null)).toBe(1);
    expect(nextRoundNumber({ number: 4, status: 'SETTLED' })).toBe(5);
  });

  it("pulls every offered product's supply into stock and gives last round's leftovers back", () => {
    const result = openingStock({ roundNumber: 2, stock: [row('a', 3), row('gone', 2)], offered: [product('a', 10), product('b', 4, 'm2')], defaultThreshold: 5 });
    expect(result.changes.map((c) => [c.after.productId, c.before?.onHand ?? null, c.after.onHand, c.after.roundNumber])).toEqual([
      ['a', 3, 10, 2],
      ['b', null, 4, 2],
      ['gone', 2, 0, 1],
    ]);
    expect(result.changes[1]!.after.manufacturerId).toBe('m2');
    expect(result.movements.map((m) => [m.productId, m.kind, m.quantity])).toEqual([
      ['a', 'WITHDRAWN', 3],
      ['a', 'ROUND_OPENED_SUPPLY', 10],
      ['b', 'ROUND_OPENED_SUPPLY', 4],
      ['gone', 'WITHDRAWN', 2],
    ]);
  });

  it('refuses to open over stock still promised to orders', () => {
    expect(() => openingStock({ roundNumber: 2, stock: [row('a', 3, 1)], offered: [], defaultThreshold: 5 })).toThrow(StockInvariantBroken);
  });
});

describe('closing a round', () => {
  const sold = [
    { orderId: 'o1', productId: 'b', manufacturerId: 'm2', quantity: 2, unitPriceCents: 150 },
    { orderId: 'o1', productId: 'a', manufacturerId: 'm1', quantity: 1, unitPriceCents: 100 },
    { orderId: 'o2', productId: 'a', manufacturerId: 'm1', quantity: 3, unitPriceCents: 120 },
  ];

  it('sells every promised unit, per order in the ledger', () => {
    const result = closingStock({ roundNumber: 1, reservedRows: [row('a', 9, 4), row('b', 2, 2)], sold });
    expect(result.changes.map((c) => [c.after.productId, c.after.onHand, c.after.reserved])).toEqual([
      ['a', 5, 0],
      ['b', 0, 0],
    ]);
    expect(result.movements).toEqual([
      { productId: 'b', roundNumber: 1, kind: 'SALE', quantity: 2, orderId: 'o1' },
      { productId: 'a', roundNumber: 1, kind: 'SALE', quantity: 1, orderId: 'o1' },
      { productId: 'a', roundNumber: 1, kind: 'SALE', quantity: 3, orderId: 'o2' },
    ]);
  });

  it('counts units and revenue per product and names the manufacturers to settle', () => {
    const sales = salesOf(sold);
    expect(sales).toEqual([
      { productId: 'a', manufacturerId: 'm1', unitsSold: 4, revenueCents: 460 },
      { productId: 'b', manufacturerId: 'm2', unitsSold: 2, revenueCents: 300 },
    ]);
    expect(manufacturersToSettle(sales)).toEqual(['m1', 'm2']);
    expect(salesOf([])).toEqual([]);
  });

  it('writes nothing when the reservations and the rows disagree', () => {
    expect(() => closingStock({ roundNumber: 1, reservedRows: [row('a', 9, 5), row('b', 2, 2)], sold })).toThrow(StockInvariantBroken);
    expect(() => closingStock({ roundNumber: 1, reservedRows: [row('a', 9, 4)], sold })).toThrow(StockInvariantBroken);
  });
});
