import { describe, expect, it } from 'vitest';
import { misattributedSales, planSettlements, supplyAfterSale } from '../../src/domain/settlement.js';

const acme = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const globex = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const drill = '10000000-0000-4000-8000-000000000001';
const saw = '10000000-0000-4000-8000-000000000002';
const widget = '20000000-0000-4000-8000-000000000001';

describe('settlement arithmetic', () => {
  it('takes the units sold off the supply', () => {
    expect(supplyAfterSale(10, 3)).toEqual({ supply: 7, delta: -3, shortfall: 0 });
    expect(supplyAfterSale(10, 10)).toEqual({ supply: 0, delta: -10, shortfall: 0 });
    expect(supplyAfterSale(10, 0)).toEqual({ supply: 10, delta: 0, shortfall: 0 });
  });

  it('never goes below zero, and says by how much the sale exceeded the supply', () => {
    expect(supplyAfterSale(4, 9)).toEqual({ supply: 0, delta: -4, shortfall: 5 });
    expect(supplyAfterSale(0, 1)).toEqual({ supply: 0, delta: 0, shortfall: 1 });
  });

  it('books one settlement per manufacturer, merging repeated lines, whatever the order of sales', () => {
    const sales = [
      { productId: widget, manufacturerId: globex, unitsSold: 5, revenueCents: 500 },
      { productId: saw, manufacturerId: acme, unitsSold: 1, revenueCents: 2000 },
      { productId: drill, manufacturerId: acme, unitsSold: 2, revenueCents: 3000 },
      { productId: drill, manufacturerId: acme, unitsSold: 1, revenueCents: 1500 },
    ];
    const expected = [
      {
        manufacturerId: acme,
        lines: [
          { productId: drill, unitsSold: 3, revenueCents: 4500 },
          { productId: saw, unitsSold: 1, revenueCents: 2000 },
        ],
        unitsSold: 4,
        revenueCents: 6500,
      },
      { manufacturerId: globex, lines: [{ productId: widget, unitsSold: 5, revenueCents: 500 }], unitsSold: 5, revenueCents: 500 },
    ];
    expect(planSettlements(sales)).toEqual(expected);
    expect(planSettlements([...sales].reverse())).toEqual(expected);
    expect(planSettlements([])).toEqual([]);
  });

  it('names sales of unknown products and of products of another manufacturer', () => {
    const plans = planSettlements([
      { productId: drill, manufacturerId: acme, unitsSold: 1, revenueCents: 1 },
      { productId: widget, manufacturerId: acme, unitsSold: 1, revenueCents: 1 },
      { productId: saw, manufacturerId: acme, unitsSold: 1, revenueCents: 1 },
    ]);
    const problems = misattributedSales(
      plans,
      new Map([
        [drill, acme],
        [widget, globex],
      ]),
    );
    expect(problems).toEqual([`product ${saw} is unknown`, `product ${widget} belongs to ${globex}, not ${acme}`]);
    expect(
      misattributedSales(
        plans,
        new Map([
          [drill, acme],
          [widget, acme],
          [saw, acme],
        ]),
      ),
    ).toEqual([]);
  });
});
