import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { replayMovements } from '../../src/domain/ledger.js';
import { StockInvariantBroken } from '../../src/domain/reservation.js';
import { closingStock, manufacturersToSettle, nextRoundNumber, openingBlocker, openingStock, salesOf, type RoundStatus, type SoldReservation } from '../../src/domain/rounds.js';
import type { ProductFacts } from '../../src/domain/supply.js';
import { ROUND, stockRow } from './arbitraries.js';

const RUNS = propertyRuns(150);
const PRODUCTS = ['a', 'b', 'c', 'd', 'e'];
const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

const leftovers = fc
  .uniqueArray(fc.record({ productId: fc.constantFrom(...PRODUCTS), onHand: fc.nat(20) }), { selector: (r) => r.productId })
  .map((rows) => rows.map((r) => stockRow(r.productId, r.onHand)));
const offers = fc
  .uniqueArray(fc.record({ productId: fc.constantFrom(...PRODUCTS), supply: fc.integer({ min: -3, max: 40 }) }), { selector: (o) => o.productId })
  .map((list) => list.map((o): ProductFacts => ({ ...o, manufacturerId: `m-${o.productId}`, category: 'tea', unitPriceCents: 100, discontinued: false })));
const latestRound = fc.option(
  fc.record(
    {
      number: fc.integer({ min: 1, max: 1000 }),
      status: fc.constantFrom<RoundStatus>('OPEN', 'CLOSED', 'SETTLED'),
      awaitingSettlementFrom: fc.array(fc.constantFrom('m1', 'm2', 'm3'), { maxLength: 3 }),
    },
    { requiredKeys: ['number', 'status'] },
  ),
);

describe('opening a round', () => {
  it('opens only after the last round is settled, and always with a larger number', () => {
    fc.assert(
      fc.property(latestRound, (latest) => {
        const blocker = openingBlocker(latest);
        expect(blocker === null).toBe(latest === null || latest.status === 'SETTLED');
        if (blocker) expect(blocker).toContain(`Round ${latest!.number} `);
        if (latest?.status === 'CLOSED') {
          const waiting = latest.awaitingSettlementFrom ?? [];
          // Names whom it waits for (manufacturer or manufacturers), and says nothing more when nobody is named.
          const named = waiting.length === 0 ? '' : `: waiting for the settlement of manufacturer${waiting.length > 1 ? 's' : ''} ${waiting.join(', ')}`;
          expect(blocker).toBe(`Round ${latest.number} is closed but not settled yet${named}`);
        }
        expect(nextRoundNumber(latest)).toBe((latest?.number ?? 0) + 1);
      }),
      {
        ...RUNS,
        // Every kind of closed round is always tried: nobody named, one manufacturer, several.
        examples: [
          [{ number: 3, status: 'CLOSED' }],
          [{ number: 3, status: 'CLOSED', awaitingSettlementFrom: ['m1'] }],
          [{ number: 3, status: 'CLOSED', awaitingSettlementFrom: ['m1', 'm2'] }],
        ],
      },
    );
  });

  it("stocks exactly each offer's supply, gives every leftover back, and the ledger says so", () => {
    // The round that opens comes after the one its leftovers belong to (ROUND): round numbers only grow.
    fc.assert(
      fc.property(leftovers, offers, fc.integer({ min: ROUND + 1, max: 50 }), (stock, offered, roundNumber) => {
        const { changes, movements } = openingStock({ roundNumber, stock, offered, defaultThreshold: 3 });
        const after = new Map(changes.map((c) => [c.after.productId, c.after]));
        expect(after.size).toBe(changes.length);
        // A row is written only when opening changes it.
        for (const { before, after: now } of changes) expect(now).not.toEqual(before);
        for (const offer of offered)
          expect(after.get(offer.productId)).toMatchObject({ onHand: Math.max(0, offer.supply), reserved: 0, roundNumber, manufacturerId: offer.manufacturerId });
        for (const old of stock) {
          const now = after.get(old.productId) ?? old;
          if (!offered.some((o) => o.productId === old.productId)) expect(now.onHand).toBe(0);
          expect(old.onHand + replayMovements(movements.filter((m) => m.productId === old.productId)).onHand).toBe(now.onHand);
        }
        expect(movements.every((m) => m.quantity > 0 && m.roundNumber === roundNumber && m.orderId === null)).toBe(true);
      }),
      RUNS,
    );
  });

  it('refuses to open while any unit is still promised to an order', () => {
    fc.assert(
      fc.property(
        leftovers.filter((rows) => rows.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 5 }),
        (stock, pick, promised) => {
          const i = pick % stock.length;
          stock[i] = { ...stock[i]!, onHand: stock[i]!.onHand + promised, reserved: promised };
          expect(() => openingStock({ roundNumber: 2, stock, offered: [], defaultThreshold: 3 })).toThrow(
            new StockInvariantBroken(`product ${stock[i]!.productId} still has ${promised} reserved when round 2 opens`),
          );
        },
      ),
      RUNS,
    );
  });
});

/** Promised rows and the reservations that make up exactly what each row reserves. */
/** Manufacturers in the opposite order of their products, so that no order is right by accident. */
const makerOf = (productId: string) => `m-${9 - PRODUCTS.indexOf(productId)}`;
const promised = fc
  .uniqueArray(
    fc.record({
      productId: fc.constantFrom(...PRODUCTS),
      spare: fc.nat(10),
      holds: fc.array(fc.record({ orderId: fc.constantFrom('o1', 'o2', 'o3'), quantity: fc.integer({ min: 1, max: 6 }), unitPriceCents: fc.integer({ min: 1, max: 50_000 }) }), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
    { selector: (p) => p.productId },
  )
  .map((products) => ({
    rows: products.map((p) => stockRow(p.productId, p.spare + sum(p.holds.map((h) => h.quantity)), sum(p.holds.map((h) => h.quantity)))),
    sold: products.flatMap((p) => p.holds.map((h): SoldReservation => ({ ...h, productId: p.productId, manufacturerId: makerOf(p.productId) }))),
  }));
/** Reservations given back before the close (they hold nothing), of products whose rows reserve nothing. */
const givenBack = fc.array(
  fc.record({ orderId: fc.constant('o9'), productId: fc.constantFrom('x', 'y'), manufacturerId: fc.constant('m-x'), quantity: fc.constant(0), unitPriceCents: fc.nat(99) }),
  { maxLength: 2 },
);

describe('closing a round', () => {
  it('sells every promised unit: each row loses exactly what it reserved, and nothing stays promised', () => {
    fc.assert(
      fc.property(promised, givenBack, fc.boolean(), ({ rows, sold }, released, withIdleRow) => {
        // An idle row (nothing reserved, nothing sold) is left alone.
        const idle = withIdleRow ? [stockRow('idle', 3)] : [];
        const { changes, movements } = closingStock({ roundNumber: 7, reservedRows: [...rows, ...idle], sold: [...sold, ...released] });
        expect(changes).toHaveLength(rows.length);
        for (const before of rows) {
          const after = changes.find((c) => c.after.productId === before.productId)!.after;
          expect(after).toEqual({ ...before, onHand: before.onHand - before.reserved, reserved: 0 });
          expect(replayMovements(movements.filter((m) => m.productId === before.productId))).toEqual({ onHand: -before.reserved, reserved: -before.reserved });
        }
        expect(movements.map((m) => [m.orderId, m.productId, m.quantity])).toEqual(sold.map((s) => [s.orderId, s.productId, s.quantity]));
      }),
      RUNS,
    );
  });

  it('writes nothing when the reservations and the rows disagree by even one unit', () => {
    fc.assert(
      fc.property(
        promised.filter((p) => p.rows.length > 0),
        fc.nat(),
        fc.constantFrom(-1, 1),
        ({ rows, sold }, pick, off) => {
          const i = pick % rows.length;
          const held = rows[i]!.reserved;
          const productId = rows[i]!.productId;
          rows[i] = { ...rows[i]!, onHand: rows[i]!.onHand + 1, reserved: held + off };
          expect(() => closingStock({ roundNumber: 7, reservedRows: rows, sold })).toThrow(
            new StockInvariantBroken(`product ${productId} has ${held + off} reserved but its reservations hold ${held}`),
          );
          expect(() => closingStock({ roundNumber: 7, reservedRows: rows.filter((_, j) => j !== i), sold })).toThrow(
            new StockInvariantBroken(`reservations hold ${held} of ${productId} but its stock row reserves nothing`),
          );
        },
      ),
      RUNS,
    );
  });

  it('reports what was sold per product, units and revenue adding up to the reservations', () => {
    // In any order, with a reservation that holds nothing (it sells nothing).
    const soldInAnyOrder = promised.chain(({ sold }) => {
      const withEmpty = [...sold, { orderId: 'o9', productId: 'z', manufacturerId: 'm-z', quantity: 0, unitPriceCents: 99 }];
      return fc.tuple(fc.constant(sold), fc.shuffledSubarray(withEmpty, { minLength: withEmpty.length }));
    });
    fc.assert(
      fc.property(soldInAnyOrder, ([sold, shuffled]) => {
        const sales = salesOf(shuffled);
        expect(sales.map((s) => s.productId)).toEqual([...new Set(sold.map((s) => s.productId))].sort());
        for (const sale of sales) {
          const of = sold.filter((s) => s.productId === sale.productId);
          expect(sale).toEqual({
            productId: sale.productId,
            manufacturerId: makerOf(sale.productId),
            unitsSold: sum(of.map((s) => s.quantity)),
            revenueCents: sum(of.map((s) => s.quantity * s.unitPriceCents)),
          });
        }
        expect(manufacturersToSettle(sales)).toEqual([...new Set(sales.map((s) => s.manufacturerId))].sort());
      }),
      RUNS,
    );
  });
});
