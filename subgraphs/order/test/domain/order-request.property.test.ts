import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isUuid } from '@distribution/db/uuid';
import { propertyRuns } from '@distribution/testkit/properties';
import {
  LIMITS,
  checkIdempotencyKey,
  checkLineChange,
  checkOrderLines,
  checkPlaceOrderRequest,
  checkQuantity,
  sameLines,
  type RequestedLine,
} from '../../src/domain/order-request.js';

const RUNS = propertyRuns(200);
const quantity = fc.oneof(fc.integer({ min: 1, max: LIMITS.maxQuantity }), fc.integer({ min: -3, max: LIMITS.maxQuantity + 3 }), fc.double(), fc.constant(NaN));
const productId = fc.oneof({ weight: 8, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) }, { weight: 1, arbitrary: fc.string() });
const line = fc.record({ productId, quantity });
const goodLine = fc.record({ productId: fc.uuid(), quantity: fc.integer({ min: 1, max: LIMITS.maxQuantity }) });
const goodLines = fc.uniqueArray(goodLine, { minLength: 1, maxLength: LIMITS.maxLines, selector: (l) => l.productId });
const validQuantity = (q: number, min = 1) => Number.isInteger(q) && q >= min && q <= LIMITS.maxQuantity;

describe('what a customer may order', () => {
  it('takes whole quantities from 1 to the limit, and 0 only where it means remove', () => {
    fc.assert(
      fc.property(quantity, fc.boolean(), (q, zeroRemoves) => {
        const problem = checkQuantity(q, { zeroRemoves });
        expect(problem === null).toBe(validQuantity(q, zeroRemoves ? 0 : 1));
        if (problem !== null) expect(problem).toMatch(zeroRemoves ? /^quantity must be between 0 \(remove\) and 10000$/ : /^quantity must be at least 1 and at most 10000$/);
      }),
      RUNS,
    );
  });

  it('knows a product id by its UUID shape, in either case, and nothing before, after or around one', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 1, maxLength: 3 }), (id, extra) => {
        expect(isUuid(id) && isUuid(id.toUpperCase())).toBe(true);
        expect(isUuid(`${extra}${id}`) || isUuid(`${id}${extra}`) || isUuid([id]) || isUuid(id.slice(1))).toBe(false);
      }),
      RUNS,
    );
  });

  it('takes idempotency keys of 8 to 100 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (key) => {
        expect(checkIdempotencyKey(key) === null).toBe(key.length >= 8 && key.length <= 100);
      }),
      RUNS,
    );
  });

  it('accepts 1 to 50 lines of distinct valid products and quantities, and refuses anything else naming the field', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: LIMITS.maxLines + 3 }), (lines) => {
        const ids = lines.map((l) => (typeof l.productId === 'string' ? l.productId.toLowerCase() : l.productId));
        const acceptable =
          lines.length >= 1 && lines.length <= LIMITS.maxLines && lines.every((l) => isUuid(l.productId) && validQuantity(l.quantity)) && new Set(ids).size === ids.length;
        const checked = checkOrderLines(lines);
        expect(checked.ok).toBe(acceptable);
        if (!checked.ok) {
          expect(checked.field).toMatch(/^lines(\[\d+\]\.(productId|quantity))?$/);
          // The client is told what is wrong, in words naming the part at fault.
          expect(checked.problem).toMatch(checked.field === 'lines' ? /line/ : new RegExp(checked.field.split('.')[1]!));
        }
      }),
      RUNS,
    );
  });

  it('refuses more than 50 lines, however good each one is', () => {
    fc.assert(
      fc.property(fc.uniqueArray(goodLine, { minLength: LIMITS.maxLines + 1, maxLength: LIMITS.maxLines + 3, selector: (l) => l.productId }), (lines) => {
        expect(checkOrderLines(lines)).toEqual({ ok: false, problem: `An order has at most ${LIMITS.maxLines} lines`, field: 'lines' });
      }),
      propertyRuns(20),
    );
  });

  it('keeps accepted lines as asked, in order, with ids in lower case', () => {
    fc.assert(
      fc.property(goodLines, fc.boolean(), (lines, shout) => {
        const sent = shout ? lines.map((l) => ({ ...l, productId: l.productId.toUpperCase() })) : lines;
        expect(checkOrderLines(sent)).toEqual({ ok: true, lines });
      }),
      RUNS,
    );
  });

  it('refuses the same product twice, whatever its case', () => {
    fc.assert(
      fc.property(
        goodLines.filter((l) => l.length < LIMITS.maxLines),
        fc.nat(),
        (lines, pick) => {
          const twice = lines[pick % lines.length]!;
          expect(checkOrderLines([...lines, { ...twice, productId: twice.productId.toUpperCase() }])).toMatchObject({ ok: false, field: `lines[${lines.length}].productId` });
        },
      ),
      RUNS,
    );
  });
});

describe('repeated and changed requests', () => {
  it('sees the same request in any order of lines and any case of ids, and a different one when any quantity differs', () => {
    const reordered = goodLines.chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length }), fc.nat()));
    fc.assert(
      fc.property(reordered, ([lines, shuffled, pick]) => {
        const upper = shuffled.map((l) => ({ ...l, productId: l.productId.toUpperCase() }));
        expect(sameLines(lines, upper)).toBe(true);
        expect(sameLines(upper, lines)).toBe(true);
        const i = pick % lines.length;
        const other = lines.map((l, j) => (j === i ? { ...l, quantity: l.quantity + 1 } : l));
        expect(sameLines(lines, other)).toBe(false);
        expect(sameLines(lines, lines.slice(1))).toBe(false);
      }),
      RUNS,
    );
  });

  it('changes a line only to a new quantity, never removes the last one, and refuses products not on the order', () => {
    fc.assert(
      fc.property(goodLines, fc.nat(), fc.integer({ min: 0, max: LIMITS.maxQuantity }), fc.uuid(), (lines, pick, q, stranger) => {
        const target = lines[pick % lines.length]!;
        const decision = checkLineChange(lines, target.productId.toUpperCase(), q);
        if (q === target.quantity) expect(decision).toEqual({ kind: 'unchanged' });
        else if (q === 0 && lines.length === 1) expect(decision.kind).toBe('refused');
        else expect(decision).toEqual({ kind: 'change', currentQuantity: target.quantity });
        if (decision.kind === 'refused') expect(decision.problem).toMatch(/last line: cancel the order instead$/);
        fc.pre(!lines.some((l) => l.productId === stranger));
        expect(checkLineChange(lines, stranger, q)).toEqual({ kind: 'refused', problem: 'This order has no line for that product' });
      }),
      RUNS,
    );
  });

  it('takes either lines or the cart, never both and never neither', () => {
    const request = fc.record({
      lines: fc.oneof(goodLines, fc.array(line, { maxLength: 3 }), fc.constant(null), fc.constant(undefined)),
      fromCart: fc.constantFrom(true, false, null, undefined),
      idempotencyKey: fc.string({ minLength: 8, maxLength: 100 }),
    });
    fc.assert(
      fc.property(request, (input) => {
        const result = checkPlaceOrderRequest(input as never);
        const hasLines = input.lines != null;
        const linesOk = hasLines && checkOrderLines(input.lines as RequestedLine[]).ok;
        expect(result.ok).toBe(input.fromCart === true ? !hasLines : linesOk);
        if (result.ok) expect(result.fromCart).toBe(input.fromCart === true);
        if (result.ok && !result.fromCart) expect(result.lines).toEqual((input.lines as RequestedLine[]).map((l) => ({ ...l, productId: l.productId.toLowerCase() })));
        if (!result.ok && (input.fromCart === true || !hasLines)) {
          expect(result).toEqual({
            ok: false,
            field: 'lines',
            problem: hasLines ? 'Send either lines or fromCart: true, not both' : 'Send the lines to order, or fromCart: true to order the cart',
          });
        }
      }),
      RUNS,
    );
  });
});
