import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { cartLineProblem, decideCartQuantity, summarizeCart } from '../../src/domain/cart.js';

const RUNS = propertyRuns(300);
const facts = fc.record({ quantity: fc.integer({ min: 1, max: 10_000 }), available: fc.integer({ min: -5, max: 10_000 }), discontinued: fc.boolean() });
const priced = fc.record({
  quantity: fc.integer({ min: 1, max: 10_000 }),
  available: fc.integer({ min: -5, max: 12_000 }),
  discontinued: fc.boolean(),
  unitPriceCents: fc.integer({ min: 1, max: 100_000_000 }),
});

describe("the cart's verdict on a line", () => {
  it('serves a line exactly when it is on offer and no more is asked than is available', () => {
    fc.assert(
      fc.property(facts, (line) => {
        expect(cartLineProblem(line) === null).toBe(!line.discontinued && line.quantity <= line.available);
      }),
      RUNS,
    );
  });

  it('gives the most final reason: discontinued, then out of stock, then not enough', () => {
    fc.assert(
      fc.property(facts, (line) => {
        const problem = cartLineProblem(line);
        if (line.discontinued) expect(problem).toBe('DISCONTINUED');
        else if (line.available <= 0) expect(problem).toBe('OUT_OF_STOCK');
        else if (problem !== null) expect(problem).toBe('INSUFFICIENT_STOCK');
      }),
      RUNS,
    );
  });

  it('never gets better by asking for more, nor worse by asking for less', () => {
    fc.assert(
      fc.property(facts, fc.integer({ min: 1, max: 500 }), (line, more) => {
        if (cartLineProblem({ ...line, quantity: line.quantity + more }) === null) expect(cartLineProblem(line)).toBeNull();
      }),
      RUNS,
    );
  });
});

describe('the cart as a whole', () => {
  it('totals the lines exactly, in whole cents, in any order', () => {
    const cart = fc.array(priced, { maxLength: 50 }).chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length })));
    fc.assert(
      fc.property(cart, ([lines, reordered]) => {
        const { totalCents } = summarizeCart(lines);
        expect(Number.isSafeInteger(totalCents)).toBe(true);
        expect(BigInt(totalCents)).toBe(lines.reduce((sum, l) => sum + BigInt(l.quantity) * BigInt(l.unitPriceCents), 0n));
        expect(summarizeCart(reordered).totalCents).toBe(totalCents);
      }),
      RUNS,
    );
  });

  it('may check out exactly when it has lines and every one of them can be served', () => {
    fc.assert(
      fc.property(fc.array(priced, { maxLength: 8 }), (lines) => {
        const { canCheckout } = summarizeCart(lines);
        expect(canCheckout).toBe(lines.length > 0 && lines.every((l) => cartLineProblem(l) === null));
        // One unservable line is enough to stop checkout.
        if (lines.length > 0) expect(summarizeCart([...lines, { ...lines[0]!, discontinued: true }]).canCheckout).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('changing a quantity in the cart', () => {
  const change = fc.record({
    current: fc.integer({ min: 0, max: 200 }),
    wanted: fc.integer({ min: 0, max: 200 }),
    available: fc.integer({ min: -5, max: 200 }),
    discontinued: fc.boolean(),
  });

  it('always lets a line shrink, towards what can be served', () => {
    fc.assert(
      fc.property(change, (input) => {
        fc.pre(input.wanted <= input.current);
        expect(decideCartQuantity(input)).toEqual({ kind: 'accept' });
      }),
      RUNS,
    );
  });

  it('lets a line grow only to a quantity the cart would then call servable', () => {
    fc.assert(
      fc.property(change, (input) => {
        fc.pre(input.wanted > input.current);
        const decision = decideCartQuantity(input);
        const servable = cartLineProblem({ quantity: input.wanted, available: input.available, discontinued: input.discontinued }) === null;
        expect(decision.kind === 'accept').toBe(servable);
        if (decision.kind === 'insufficient') {
          expect(decision.available).toBe(Math.max(0, input.available));
          expect(input.wanted).toBeGreaterThan(decision.available);
        }
        if (decision.kind === 'discontinued') expect(input.discontinued).toBe(true);
      }),
      RUNS,
    );
  });
});
