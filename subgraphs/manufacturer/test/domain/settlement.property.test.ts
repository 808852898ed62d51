import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { EventParseError, EventType, parsePayload } from '@distribution/contracts';
import { misattributedSales, planSettlements, supplyAfterSale, type RoundSale } from '../../src/domain/settlement.js';

/** How the manufacturer reads a RoundClosed now: through the event contract. */
const readRoundClosed = (payload: unknown) => parsePayload(EventType.RoundClosed, 1, payload);

const RUNS = propertyRuns(150);
const MANUFACTURERS = ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'];
const PRODUCTS = ['1000000a-0000-4000-8000-00000000000b', '1000000a-0000-4000-8000-00000000000c', '2000000d-0000-4000-8000-00000000000e', '3000000f-0000-4000-8000-00000000000a'];
const big = (values: number[]) => values.reduce((sum, v) => sum + BigInt(v), 0n);

const sale = fc.record({
  productId: fc.constantFrom(...PRODUCTS),
  manufacturerId: fc.constantFrom(...MANUFACTURERS),
  // Nothing sold (or sold for nothing) is a valid line too.
  unitsSold: fc.oneof(fc.constant(0), fc.nat(1_000_000)),
  revenueCents: fc.oneof(fc.constant(0), fc.nat(100_000_000), fc.nat(Number.MAX_SAFE_INTEGER)),
});
/** Sales of a round that can be read: the contract refuses totals past Number.MAX_SAFE_INTEGER. */
const sales = fc.array(sale, { maxLength: 20 }).map((list) => {
  try {
    return readRoundClosed({ roundNumber: 1, closedAt: new Date(0).toISOString(), reason: 'OPERATOR', sales: list }).sales as RoundSale[];
  } catch {
    return list.map((s) => ({ ...s, revenueCents: s.revenueCents % 100_000_000 }));
  }
});
/**
 * Instants the contract accepts: ISO-8601 with a four-digit year (0000 to 9999). Outside it
 * `toISOString` writes an expanded year (`+010000-…`, `-000001-…`), which the contract refuses.
 */
const FIRST_INSTANT = new Date('0000-01-01T00:00:00.000Z');
const LAST_INSTANT = new Date('9999-12-31T23:59:59.999Z');
const instant = fc.oneof(fc.constantFrom(FIRST_INSTANT, LAST_INSTANT), fc.date({ min: FIRST_INSTANT, max: LAST_INSTANT, noInvalidDate: true })).map((d) => d.toISOString());
const payload = fc.record({
  roundNumber: fc.oneof(fc.constantFrom(1, 2_147_483_647), fc.integer({ min: 1, max: 2_147_483_647 })),
  closedAt: instant,
  reason: fc.constantFrom('OPERATOR', 'PERIOD_ENDED', 'DEPLETED'),
  sales: fc.array(sale, { maxLength: 20 }),
});

describe('settling a closed round, for any sales', () => {
  it('books each manufacturer once, with totals that are exactly the sums of its lines and of its sales', () => {
    fc.assert(
      fc.property(sales, (list) => {
        const plans = planSettlements(list);
        expect(plans.map((p) => p.manufacturerId)).toEqual([...new Set(list.map((s) => s.manufacturerId))].sort());
        for (const plan of plans) {
          const own = list.filter((s) => s.manufacturerId === plan.manufacturerId);
          expect(plan.lines.map((l) => l.productId)).toEqual([...new Set(own.map((s) => s.productId))].sort());
          expect(BigInt(plan.unitsSold)).toBe(big(plan.lines.map((l) => l.unitsSold)));
          expect(BigInt(plan.revenueCents)).toBe(big(plan.lines.map((l) => l.revenueCents)));
          for (const line of plan.lines) {
            const ofLine = own.filter((s) => s.productId === line.productId);
            expect(BigInt(line.unitsSold)).toBe(big(ofLine.map((s) => s.unitsSold)));
            expect(BigInt(line.revenueCents)).toBe(big(ofLine.map((s) => s.revenueCents)));
          }
        }
      }),
      RUNS,
    );
  });

  it('books the same settlements whatever order the sales arrive in', () => {
    const shuffled = sales.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })));
    fc.assert(
      fc.property(shuffled, ([list, reordered]) => {
        expect(planSettlements(reordered)).toEqual(planSettlements(list));
      }),
      RUNS,
    );
  });

  it('names exactly the lines whose product is unknown or belongs to someone else', () => {
    const owners = fc.dictionary(fc.constantFrom(...PRODUCTS), fc.constantFrom(...MANUFACTURERS));
    fc.assert(
      fc.property(sales, owners, (list, owned) => {
        const plans = planSettlements(list);
        const ownerOf = new Map(Object.entries(owned));
        const bad = plans.flatMap((p) => p.lines.filter((l) => ownerOf.get(l.productId) !== p.manufacturerId).map((l) => l.productId));
        const problems = misattributedSales(plans, ownerOf);
        expect(problems).toHaveLength(bad.length);
        bad.forEach((productId, i) => expect(problems[i]).toContain(productId));
      }),
      RUNS,
    );
  });

  it('takes sold units off the supply, never below zero, and says exactly what could not be taken', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000_000), fc.nat(1_000_000_000), (supply, sold) => {
        const after = supplyAfterSale(supply, sold);
        expect(after.supply).toBeGreaterThanOrEqual(0);
        expect(after.supply).toBe(supply + after.delta);
        expect(after.delta).toBeLessThanOrEqual(0);
        expect(-after.delta + after.shortfall).toBe(sold);
        expect(after.shortfall === 0).toBe(sold <= supply);
      }),
      RUNS,
    );
  });
});

describe('reading RoundClosed, for any payload', () => {
  it('reads a well-formed payload without changing a number', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const sent = p;
        let read;
        try {
          read = readRoundClosed(JSON.parse(JSON.stringify(sent)));
        } catch (error) {
          // Only a round whose totals cannot be counted exactly may be refused.
          expect(error).toBeInstanceOf(EventParseError);
          expect(big(p.sales.map((s) => s.revenueCents)) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
          return;
        }
        expect(read).toEqual(p);
      }),
      RUNS,
    );
  });

  it("refuses anything else with the contract's parse error, never another error", () => {
    const tricky = fc.constantFrom<unknown>({ toString: 1 }, { valueOf: null, toString: null }, [], 'x', '3', Number.POSITIVE_INFINITY, -1, 0, 0.5, 1.5, 2 ** 53, null);
    const value = fc.oneof(fc.jsonValue(), tricky);
    const count = fc.oneof(fc.nat(1000), tricky);
    const id = fc.oneof(fc.constantFrom(...PRODUCTS, ...MANUFACTURERS), fc.constantFrom(`x${PRODUCTS[0]}`, `${PRODUCTS[0]}x`, 'x', 42, null));
    const hostileSale = fc.oneof(fc.record({ productId: id, manufacturerId: id, unitsSold: count, revenueCents: count }, { requiredKeys: [] }), value);
    // A good payload with one thing wrong in it, so that each check is reached.
    const oneWrong = fc
      .tuple(
        payload.filter((p) => p.sales.length > 0),
        fc.constantFrom('roundNumber', 'productId', 'manufacturerId', 'unitsSold', 'revenueCents'),
        tricky,
      )
      .map(([p, key, bad]) => (key === 'roundNumber' ? { ...p, roundNumber: bad } : { ...p, sales: [...p.sales.slice(1), { ...p.sales[0]!, [key]: bad }] }));
    const hostile = fc.oneof(
      fc.jsonValue(),
      tricky,
      oneWrong,
      fc.record(
        {
          roundNumber: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(2_147_483_647, 2_147_483_648), tricky),
          closedAt: value,
          reason: value,
          sales: fc.oneof(fc.array(hostileSale, { maxLength: 4 }), value),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(hostile, (p) => {
        let read;
        try {
          read = readRoundClosed(p);
        } catch (error) {
          expect(error).toBeInstanceOf(EventParseError);
          expect((error as Error).message).toMatch(/RoundClosed/);
          return;
        }
        // What it reads is what the books need: a round number, lower-case ids and exact counts.
        expect(Number.isInteger(read.roundNumber) && read.roundNumber >= 1 && read.roundNumber <= 2_147_483_647).toBe(true);
        for (const s of read.sales as RoundSale[]) {
          expect([...PRODUCTS, ...MANUFACTURERS]).toEqual(expect.arrayContaining([s.productId, s.manufacturerId]));
          expect(Number.isSafeInteger(s.unitsSold) && s.unitsSold >= 0 && Number.isSafeInteger(s.revenueCents) && s.revenueCents >= 0).toBe(true);
        }
        expect(Number.isSafeInteger(read.sales.reduce((sum, s) => sum + s.revenueCents, 0))).toBe(true);
      }),
      { ...RUNS, examples: [[null], [{ roundNumber: 1, sales: [null] }], [{ roundNumber: 0, sales: [] }]] },
    );
  });

  it("refuses a closedAt outside the years 0000 to 9999 (an expanded ISO year) with the contract's parse error", () => {
    const outside = fc.oneof(
      fc.date({ max: new Date(FIRST_INSTANT.getTime() - 1), noInvalidDate: true }),
      fc.date({ min: new Date(LAST_INSTANT.getTime() + 1), noInvalidDate: true }),
    );
    fc.assert(
      fc.property(payload, outside, (p, closed) => {
        expect(closed.toISOString()).toMatch(/^[+-]\d{6}-/);
        expect(() => readRoundClosed({ ...p, closedAt: closed.toISOString() })).toThrow(EventParseError);
      }),
      RUNS,
    );
  });

  it('refuses a round whose total is too large to count exactly, though every sale alone fits', () => {
    fc.assert(
      fc.property(
        payload.filter((p) => p.sales.length > 0),
        fc.constantFrom('unitsSold', 'revenueCents'),
        (p, part) => {
          const [first, ...rest] = p.sales;
          const sales = [{ ...first!, [part]: Math.max(1, first![part]) }, ...rest, { ...first!, [part]: Number.MAX_SAFE_INTEGER }];
          expect(() => readRoundClosed({ ...p, sales })).toThrow(new RegExp(`total ${part} is too large to count exactly`));
        },
      ),
      RUNS,
    );
  });
});
