import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import {
  MAX_PRODUCTION_QUANTITY,
  MAX_SUPPLY,
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
import { isUuid } from '@distribution/db';

/** The extensions.code a rule throws with, or 'accepted'. */
function codeOf(rule: () => unknown): string {
  try {
    rule();
    return 'accepted';
  } catch (error) {
    return String((error as GraphQLError).extensions?.code);
  }
}

describe('catalog input rules', () => {
  it('trims names and accepts 1 to 200 characters', () => {
    expect(validName('  Acme Tools  ')).toBe('Acme Tools');
    expect(validName('x'.repeat(200))).toHaveLength(200);
    expect(codeOf(() => validName('x'.repeat(201)))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validName(''))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validName('    '))).toBe('BAD_USER_INPUT');
  });

  it('accepts SKUs of 1 to 64 letters, digits, dashes, underscores and dots only', () => {
    expect(validSku(' AB-12_c.3 ')).toBe('AB-12_c.3');
    expect(validSku('a'.repeat(64))).toHaveLength(64);
    for (const bad of ['', 'a'.repeat(65), 'has space', 'ünï', 'a/b', 'semi;colon', '%']) {
      expect(
        codeOf(() => validSku(bad)),
        bad,
      ).toBe('BAD_USER_INPUT');
    }
  });

  it('accepts categories of 1 to 100 characters', () => {
    expect(validCategory(' Tools ')).toBe('Tools');
    expect(codeOf(() => validCategory('c'.repeat(101)))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validCategory(''))).toBe('BAD_USER_INPUT');
  });

  it('accepts prices from one cent to a million', () => {
    expect(validUnitPrice(1)).toBe(1);
    expect(validUnitPrice(100_000_000)).toBe(100_000_000);
    expect(codeOf(() => validUnitPrice(0))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validUnitPrice(100_000_001))).toBe('BAD_USER_INPUT');
  });

  it('accepts production runs of 1 to 1,000,000 whole units', () => {
    expect(validProductionQuantity(1)).toBe(1);
    expect(validProductionQuantity(MAX_PRODUCTION_QUANTITY)).toBe(MAX_PRODUCTION_QUANTITY);
    for (const bad of [0, -1, 1.5, MAX_PRODUCTION_QUANTITY + 1, Number.NaN]) {
      expect(
        codeOf(() => validProductionQuantity(bad)),
        String(bad),
      ).toBe('BAD_USER_INPUT');
    }
  });

  it('lets a new product start with no supply, but never negative supply', () => {
    expect(validInitialSupply(undefined)).toBe(0);
    expect(validInitialSupply(0)).toBe(0);
    expect(validInitialSupply(25)).toBe(25);
    expect(codeOf(() => validInitialSupply(-1))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validInitialSupply(MAX_PRODUCTION_QUANTITY + 1))).toBe('BAD_USER_INPUT');
  });

  it('needs at least one field to update, and checks each given one', () => {
    expect(validProductChanges({ name: ' New ', unitPrice: 250 })).toEqual({ name: 'New', unitPriceCents: 250 });
    expect(codeOf(() => validProductChanges({}))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validProductChanges({ name: null, category: null }))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validProductChanges({ category: '' }))).toBe('BAD_USER_INPUT');
  });

  it('never lets supply grow past its ceiling', () => {
    expect(supplyAfterProductionFits(MAX_SUPPLY - 10, 10)).toBe(true);
    expect(supplyAfterProductionFits(MAX_SUPPLY - 10, 11)).toBe(false);
  });
});

describe('catalog filter', () => {
  it('treats a blank search as no search and caps it at 100 characters', () => {
    expect(validCatalogFilter({ search: '   ' }, isUuid).search).toBeNull();
    expect(validCatalogFilter({ search: ' drill ' }, isUuid).search).toBe('drill');
    expect(codeOf(() => validCatalogFilter({ search: 's'.repeat(101) }, isUuid))).toBe('BAD_USER_INPUT');
  });

  it('refuses a manufacturerId that is not an id, and hides discontinued products by default', () => {
    expect(codeOf(() => validCatalogFilter({ manufacturerId: 'nope' }, isUuid))).toBe('BAD_USER_INPUT');
    expect(validCatalogFilter(null, isUuid)).toEqual({ category: null, manufacturerId: null, search: null, includeDiscontinued: false });
  });

  it('matches search text literally, wildcards included', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});

describe('ids', () => {
  it('recognises UUIDs and nothing else', () => {
    expect(isUuid('0b7e4c1e-6a0f-4f6e-9d7b-2f4a1c3b5d6e')).toBe(true);
    expect(isUuid('0B7E4C1E-6A0F-4F6E-9D7B-2F4A1C3B5D6E')).toBe(true);
    for (const bad of ['', 'abc', '0b7e4c1e-6a0f-4f6e-9d7b-2f4a1c3b5d6', "1' OR '1'='1", 42, null]) expect(isUuid(bad)).toBe(false);
  });
});
