import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { propertyRuns } from '@distribution/testkit/properties';
import {
  CATEGORY_MAX_LENGTH,
  MAX_PRODUCTION_QUANTITY,
  MAX_SUPPLY,
  MAX_UNIT_PRICE_CENTS,
  NAME_MAX_LENGTH,
  SEARCH_MAX_LENGTH,
  SKU_MAX_LENGTH,
  containsPattern,
  supplyAfterProductionFits,
  validCatalogFilter,
  validCategory,
  validInitialSupply,
  validName,
  validProductChanges,
  validProductionQuantity,
  validSku,
  validUnitPrice,
} from '../../src/domain/catalog.js';
import { isUuid } from '@distribution/db/uuid';

const RUNS = propertyRuns(200);

/** The value a rule accepted, or the field its BAD_USER_INPUT names (checking the message names it too). */
function outcome<T>(rule: () => T): { accepted: T } | { refused: string | undefined } {
  try {
    return { accepted: rule() };
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { code, field } = (error as GraphQLError).extensions as { code: string; field?: string };
    expect(code).toBe('BAD_USER_INPUT');
    if (field) expect((error as GraphQLError).message.startsWith(field)).toBe(true);
    else expect((error as GraphQLError).message).toMatch(/\S/);
    return { refused: field };
  }
}

/** Texts around a length limit, with blanks around them, and values that are not text. */
const textNear = (max: number) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom('', ' ', '\t '), fc.oneof(fc.string({ minLength: max - 1, maxLength: max + 1 }), fc.string({ maxLength: 3 })), fc.constantFrom('', ' '))
      .map((p) => p.join('')),
    fc.anything(),
  );
const count = (max: number) =>
  fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: max - 2, max: max + 2 }), fc.double({ min: -1, max: 10 }), fc.constantFrom('5', null, undefined, NaN));

describe('catalog input, for any value a client may send', () => {
  it('takes names and categories as trimmed text of 1 to the limit, naming the field it refuses', () => {
    const rules = [
      { rule: (v: unknown) => validName(v), field: 'name', max: NAME_MAX_LENGTH },
      { rule: (v: unknown) => validName(v, 'manufacturer name'), field: 'manufacturer name', max: NAME_MAX_LENGTH },
      { rule: validCategory, field: 'category', max: CATEGORY_MAX_LENGTH },
    ];
    for (const { rule, field, max } of rules) {
      fc.assert(
        fc.property(textNear(max), (value) => {
          const trimmed = typeof value === 'string' ? value.trim() : null;
          const ok = trimmed !== null && trimmed.length >= 1 && trimmed.length <= max;
          expect(outcome(() => rule(value))).toEqual(ok ? { accepted: trimmed } : { refused: field });
        }),
        RUNS,
      );
    }
  });

  it('takes SKUs of 1 to 64 letters, digits, "-", "_" and "." only', () => {
    const skuChars = fc.string({ unit: fc.constantFrom(...'aZ09-_.'), minLength: SKU_MAX_LENGTH - 1, maxLength: SKU_MAX_LENGTH + 1 });
    const sku = fc.oneof(textNear(SKU_MAX_LENGTH), skuChars, fc.string({ unit: fc.constantFrom(...'aZ09-_. /%'), minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(sku, (value) => {
        const trimmed = typeof value === 'string' ? value.trim() : null;
        const ok = trimmed !== null && trimmed.length >= 1 && trimmed.length <= SKU_MAX_LENGTH && /^[A-Za-z0-9._-]+$/.test(trimmed);
        expect(outcome(() => validSku(value))).toEqual(ok ? { accepted: trimmed } : { refused: 'sku' });
      }),
      RUNS,
    );
  });

  it('takes prices of whole cents from 0.01 to 1,000,000.00', () => {
    fc.assert(
      fc.property(count(MAX_UNIT_PRICE_CENTS), (cents) => {
        const ok = typeof cents === 'number' && Number.isInteger(cents) && cents >= 1 && cents <= MAX_UNIT_PRICE_CENTS;
        expect(outcome(() => validUnitPrice(cents))).toEqual(ok ? { accepted: cents } : { refused: 'unitPrice' });
      }),
      RUNS,
    );
  });

  it("takes production runs of 1 to a million units, and a new product's supply from none", () => {
    fc.assert(
      fc.property(count(MAX_PRODUCTION_QUANTITY), (units) => {
        const ok = typeof units === 'number' && Number.isInteger(units) && units >= 1 && units <= MAX_PRODUCTION_QUANTITY;
        expect(outcome(() => validProductionQuantity(units))).toEqual(ok ? { accepted: units } : { refused: 'quantity' });
        expect(outcome(() => validProductionQuantity(units, 'units'))).toEqual(ok ? { accepted: units } : { refused: 'units' });
        const none = units === null || units === undefined || units === 0;
        expect(outcome(() => validInitialSupply(units))).toEqual(none ? { accepted: 0 } : ok ? { accepted: units } : { refused: 'initialSupply' });
      }),
      RUNS,
    );
  });

  it('changes exactly the fields given, each checked, and refuses a change of nothing', () => {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constantFrom(null, undefined));
    const input = fc.record({
      name: maybe(fc.string({ minLength: 1, maxLength: 5 })),
      category: maybe(fc.string({ minLength: 1, maxLength: 5 })),
      unitPrice: maybe(count(MAX_UNIT_PRICE_CENTS)),
    });
    fc.assert(
      fc.property(input, (change) => {
        const given = Object.entries(change).filter(([, v]) => v !== null && v !== undefined);
        const checks = given.map(([key, v]) => [key, outcome(() => (key === 'unitPrice' ? validUnitPrice(v) : key === 'name' ? validName(v) : validCategory(v)))] as const);
        const result = outcome(() => validProductChanges(change));
        const firstRefusal = checks.find(([, o]) => 'refused' in o);
        if (given.length === 0) expect(result).toEqual({ refused: undefined });
        else if (firstRefusal) expect(result).toEqual(firstRefusal[1]);
        else
          expect(result).toEqual({ accepted: Object.fromEntries(checks.map(([key, o]) => [key === 'unitPrice' ? 'unitPriceCents' : key, (o as { accepted: unknown }).accepted])) });
      }),
      RUNS,
    );
  });
});

describe('catalog filters and search', () => {
  it('normalises a filter: trimmed category, a search that says something, a manufacturer that is an id', () => {
    const filter = fc.option(
      fc.record(
        {
          category: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(null, undefined, '  tea ')),
          search: fc.oneof(fc.string({ maxLength: 4 }), fc.string({ minLength: SEARCH_MAX_LENGTH - 1, maxLength: SEARCH_MAX_LENGTH + 1 }), fc.constantFrom(null, undefined, '  ')),
          manufacturerId: fc.oneof(fc.uuid(), fc.constantFrom(null, undefined, 'not-an-id')),
          includeDiscontinued: fc.constantFrom(true, false, null, undefined),
        },
        { requiredKeys: [] },
      ),
      { nil: null },
    );
    fc.assert(
      fc.property(filter, (f) => {
        const result = outcome(() => validCatalogFilter(f, isUuid));
        const search = f?.search?.trim() || null;
        const category = f?.category == null ? null : f.category.trim();
        const refusal =
          category !== null && category.length === 0
            ? 'category'
            : search && search.length > SEARCH_MAX_LENGTH
              ? 'search'
              : f?.manufacturerId != null && !isUuid(f.manufacturerId)
                ? 'manufacturerId'
                : null;
        expect(result).toEqual(
          refusal ? { refused: refusal } : { accepted: { category, search, manufacturerId: f?.manufacturerId ?? null, includeDiscontinued: f?.includeDiscontinued ?? false } },
        );
      }),
      RUNS,
    );
  });

  it('searches for the text literally: its pattern matches exactly the names that contain it', () => {
    /** Postgres ILIKE with backslash escapes, as a regular expression. */
    const ilike = (pattern: string) =>
      new RegExp(
        `^${pattern.replace(/\\(.)|([%_])|([^\\%_])/gs, (_, escaped, wild, plain) =>
          escaped !== undefined ? escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : wild === '%' ? '.*' : wild === '_' ? '.' : plain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )}$`,
        'is',
      );
    const text = fc.string({ unit: fc.constantFrom(...'ab%_\\ .'), maxLength: 6 });
    fc.assert(
      fc.property(text, text, (search, name) => {
        expect(ilike(containsPattern(search)).test(name)).toBe(name.toLowerCase().includes(search.toLowerCase()));
      }),
      RUNS,
    );
  });

  it('lets production raise supply up to the limit and not one unit past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SUPPLY }), fc.integer({ min: 1, max: MAX_PRODUCTION_QUANTITY }), (supply, units) => {
        expect(supplyAfterProductionFits(supply, units)).toBe(supply + units <= MAX_SUPPLY);
        expect(supplyAfterProductionFits(MAX_SUPPLY - units, units)).toBe(true);
        expect(supplyAfterProductionFits(MAX_SUPPLY - units + 1, units)).toBe(false);
      }),
      RUNS,
    );
  });
});
