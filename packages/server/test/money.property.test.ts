import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { propertyRuns } from '@distribution/testkit/properties';
import { centsToMoney, moneyToCents, MoneyScalar } from '../src/money.js';

const RUNS = propertyRuns(200);
/** Every amount Money can carry: 0.00 .. 999,999,999.99. */
const cents = fc.integer({ min: 0, max: 99_999_999_999 });
/** Money as a client may write it: up to 9 whole digits (leading zeros allowed), up to two decimals. */
const moneyText = fc
  .tuple(fc.stringMatching(/^\d{1,9}$/), fc.option(fc.stringMatching(/^\d{1,2}$/)))
  .map(([whole, fraction]) => (fraction === null ? whole : `${whole}.${fraction}`));

/** Exact decimal value of a money text, in cents, by integer arithmetic only. */
const exactCents = (text: string) => {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
};

/** Whether `run` refused its input as BAD_USER_INPUT, with a message that shows the client the expected form. */
function refusedAsBadInput(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    expect((error as GraphQLError).message).toMatch(/^Money must be .*"12\.50"$/);
    return true;
  }
  return false;
}

describe('Money, exact to the cent', () => {
  it('is the Money scalar, described to clients by its form', () => {
    expect([MoneyScalar.name, MoneyScalar.description]).toEqual(['Money', expect.stringContaining('"12.50"')]);
  });

  it('writes any amount with two decimals and reads it back to the same cents', () => {
    fc.assert(
      fc.property(cents, (c) => {
        const text = centsToMoney(c);
        expect(text).toMatch(/^(0|[1-9]\d*)\.\d\d$/);
        expect(moneyToCents(text)).toBe(c);
      }),
      RUNS,
    );
  });

  it('reads any amount a client may write to exactly its decimal value, and writes it back in canonical form', () => {
    fc.assert(
      fc.property(moneyText, (text) => {
        const c = moneyToCents(text);
        expect(BigInt(c)).toBe(exactCents(text));
        expect(Number.isSafeInteger(c)).toBe(true);
        expect(moneyToCents(centsToMoney(c))).toBe(c);
      }),
      RUNS,
    );
  });

  it('reads a JSON number like 12.5 as the same cents as the text "12.50"', () => {
    fc.assert(
      fc.property(cents, (c) => {
        expect(moneyToCents(c / 100)).toBe(c);
      }),
      RUNS,
    );
  });

  it('adds amounts without drift: the sum of the cents is the exact decimal sum of the texts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(moneyText, fc.integer({ min: 1, max: 10_000 })), { maxLength: 50 }), (lines) => {
        const total = lines.reduce((sum, [price, quantity]) => sum + moneyToCents(price) * quantity, 0);
        const exact = lines.reduce((sum, [price, quantity]) => sum + exactCents(price) * BigInt(quantity), 0n);
        expect(BigInt(total)).toBe(exact);
        expect(centsToMoney(total)).toBe(`${exact / 100n}.${String(exact % 100n).padStart(2, '0')}`);
      }),
      RUNS,
    );
  });

  it('writes a negative amount as the positive one with a minus sign', () => {
    fc.assert(
      fc.property(
        cents.filter((c) => c > 0),
        (c) => {
          expect(centsToMoney(-c)).toBe(`-${centsToMoney(c)}`);
        },
      ),
      RUNS,
    );
  });

  it('refuses negatives, a third decimal, too many digits and anything else with BAD_USER_INPUT, never another error', () => {
    const hostile = fc.oneof(
      moneyText.map((t) => `-${t}`),
      moneyText.map((t) => (t.includes('.') ? `${t}5` : `${t}.125`)),
      fc.stringMatching(/^\d{10,14}(\.\d\d)?$/),
      fc.string(),
      fc.anything(),
      fc.double(),
      // Values whose text alone would look like money.
      moneyText.map((t) => [t]),
      moneyText.map((t) => ({ toString: () => t })),
    );
    fc.assert(
      fc.property(hostile, (value) => {
        let accepted: number | undefined;
        const refused = refusedAsBadInput(() => (accepted = moneyToCents(value)));
        // Only text and numbers are money, whatever other values look like when printed.
        if (typeof value !== 'string' && typeof value !== 'number') expect(refused).toBe(true);
        if (!refused) {
          expect(Number.isSafeInteger(accepted) && accepted! >= 0 && accepted! <= 99_999_999_999).toBe(true);
          expect(moneyToCents(centsToMoney(accepted!))).toBe(accepted);
        }
      }),
      RUNS,
    );
  });

  it('treats a literal in a query like the same value sent as a variable', () => {
    const literal = fc.oneof(
      moneyText.map((value): ValueNode => ({ kind: value.includes('.') ? Kind.FLOAT : Kind.INT, value })),
      fc.oneof(moneyText, fc.string()).map((value): ValueNode => ({ kind: Kind.STRING, value })),
      fc.boolean().map((value): ValueNode => ({ kind: Kind.BOOLEAN, value })),
      fc.constant<ValueNode>({ kind: Kind.NULL }),
    );
    fc.assert(
      fc.property(literal, (node) => {
        let fromLiteral: unknown;
        const refused = refusedAsBadInput(() => (fromLiteral = MoneyScalar.parseLiteral(node)));
        const text = 'value' in node ? String(node.value) : null;
        // A money text is accepted as a string, an Int or a Float literal alike; nothing else is.
        expect(refused).toBe(text === null || node.kind === Kind.BOOLEAN || !/^\d{1,9}(\.\d{1,2})?$/.test(text));
        // A literal of another kind is told that money is written as a string.
        if (text === null || node.kind === Kind.BOOLEAN) expect(() => MoneyScalar.parseLiteral(node)).toThrow('Money must be a string like "12.50"');
        if (!refused) {
          expect(fromLiteral).toBe(MoneyScalar.parseValue((node as { value: string }).value));
          expect(MoneyScalar.serialize(fromLiteral)).toBe(centsToMoney(fromLiteral as number));
        }
      }),
      RUNS,
    );
  });
});
