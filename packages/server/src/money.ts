/** `Money`: an amount in the network's currency, exact to the cent, sent as a string like "12.50". */
import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '@distribution/errors';

const MONEY_PATTERN = /^\d{1,9}(\.\d{1,2})?$/;

export function centsToMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses "12.5" or 12.5 into 1250 cents; rejects negatives, more than two decimals and junk. */
export function moneyToCents(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !MONEY_PATTERN.test(text)) {
    throw badUserInput('Money must be a non-negative amount with at most two decimals, like "12.50"');
  }
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Resolvers return cents (integers); the scalar turns them into strings and back. */
export const MoneyScalar = new GraphQLScalarType({
  name: 'Money',
  description: 'An exact amount of money with two decimals, sent as a string like "12.50".',
  serialize: (cents) => centsToMoney(Number(cents)),
  parseValue: (value) => moneyToCents(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.FLOAT || ast.kind === Kind.INT) return moneyToCents(ast.value);
    throw badUserInput('Money must be a string like "12.50"');
  },
});
