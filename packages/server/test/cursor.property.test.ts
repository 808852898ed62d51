import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { propertyRuns } from '@distribution/testkit/properties';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../src/cursor.js';

const RUNS = propertyRuns(200);
/** What a page position is made of: names, ids, sequence numbers, amounts. */
const position = fc.array(
  fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.uuid(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  ),
  { minLength: 1, maxLength: 4 },
);

/** Whether `run` refused its input as BAD_USER_INPUT naming `argument`, with a message that says what to send. */
function badInput(run: () => unknown, argument = 'after', says: RegExp = /cursor returned by this API/): boolean {
  try {
    run();
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    expect((error as GraphQLError).message).toMatch(says);
    return true;
  }
}

describe('cursors of connections', () => {
  it('point back at exactly the position they were made from, in URL-safe text', () => {
    fc.assert(
      fc.property(position, (values) => {
        const cursor = encodeCursor(values);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeCursor(cursor, values.length)).toEqual(values);
      }),
      RUNS,
    );
  });

  it('refuse a cursor of another connection shape (other arity) with BAD_USER_INPUT', () => {
    fc.assert(
      fc.property(position, fc.integer({ min: 0, max: 6 }), (values, arity) => {
        fc.pre(arity !== values.length);
        expect(badInput(() => decodeCursor(encodeCursor(values), arity))).toBe(true);
      }),
      RUNS,
    );
  });

  it('turn any other text into BAD_USER_INPUT or a well-formed position, never another error', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.base64String(),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
      position.map((values) => encodeCursor(values).slice(1)),
      // The right number of values, some of them of a kind no position is made of.
      fc.array(fc.oneof(fc.string(), fc.integer(), fc.constantFrom(null, true, {}, [])), { minLength: 1, maxLength: 3 }).map((values) => encodeCursor(values as never)),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 3 }), (cursor, arity) => {
        let values: unknown;
        if (!badInput(() => (values = decodeCursor(cursor, arity)))) {
          expect(Array.isArray(values) && values.length === arity).toBe(true);
          for (const v of values as unknown[]) expect(['string', 'number']).toContain(typeof v);
        }
      }),
      RUNS,
    );
  });
});

describe('cursors made elsewhere', () => {
  it('refuse a position with any value that is neither text nor a number, even among good ones', () => {
    const stranger = fc.constantFrom<unknown>(null, true, {}, [], [1]);
    const mixed = fc.tuple(fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 2 }), stranger, fc.nat()).map(([good, bad, at]) => {
      const values: unknown[] = [...good];
      values.splice(at % (good.length + 1), 0, bad);
      return values;
    });
    fc.assert(
      fc.property(mixed, (values) => {
        expect(badInput(() => decodeCursor(encodeCursor(values as never), values.length))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('page sizes and pages', () => {
  it('take any size from 1 to the maximum, default when none is given, and refuse the rest', () => {
    const limits = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 120 }));
    const asked = limits.chain(([fallback, max]) =>
      fc.tuple(
        fc.oneof(fc.integer({ min: -5, max: 130 }), fc.constantFrom(0, 1, max, max + 1), fc.double(), fc.constantFrom(null, undefined)),
        fc.constant(fallback),
        fc.constant(max),
      ),
    );
    fc.assert(
      fc.property(asked, ([n, fallback, max]) => {
        let size: number | undefined;
        const refused = badInput(() => (size = pageSize(n, fallback, max)), 'first', new RegExp(`between 1 and ${max}$`));
        if (n === null || n === undefined) expect(size).toBe(fallback);
        else expect(refused).toBe(!(Number.isInteger(n) && n >= 1 && n <= max));
        if (!refused && n != null) expect(size).toBe(n);
      }),
      RUNS,
    );
  });

  it('show the first `limit` rows in order, and say there is a next page exactly when a row was left over', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 30 }), fc.integer({ min: 1, max: 25 }), (rows, limit) => {
        const page = toConnection(rows, limit, (row) => encodeCursor([row]));
        expect(page.edges.map((e) => e.node)).toEqual(rows.slice(0, limit));
        expect(page.pageInfo.hasNextPage).toBe(rows.length > limit);
        expect(page.pageInfo.endCursor).toBe(page.edges.length ? encodeCursor([page.edges.at(-1)!.node]) : null);
        for (const edge of page.edges) expect(decodeCursor(edge.cursor, 1)).toEqual([edge.node]);
      }),
      RUNS,
    );
  });
});
