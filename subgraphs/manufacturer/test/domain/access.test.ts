import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import { Role, type Identity } from '@distribution/auth';
import { mayChangeProductsOf, ownerOfNewProduct, ownerRestriction, requireCatalogEditor, requireSettlementReader } from '../../src/domain/access.js';

const acme = '11111111-1111-4111-8111-111111111111';
const globex = '22222222-2222-4222-8222-222222222222';
const operator: Identity = { sub: 'ops', role: Role.Operator };
const acmeUser: Identity = { sub: acme, role: Role.Manufacturer };
const customer: Identity = { sub: '33333333-3333-4333-8333-333333333333', role: Role.Customer };

function codeOf(rule: () => unknown): string {
  try {
    rule();
    return 'allowed';
  } catch (error) {
    return String((error as GraphQLError).extensions?.code);
  }
}

describe('who may change the catalog', () => {
  it('lets operators and manufacturers edit, refuses customers and anonymous callers', () => {
    expect(codeOf(() => requireCatalogEditor(operator))).toBe('allowed');
    expect(codeOf(() => requireCatalogEditor(acmeUser))).toBe('allowed');
    expect(codeOf(() => requireCatalogEditor(customer))).toBe('FORBIDDEN');
    expect(codeOf(() => requireCatalogEditor(null))).toBe('UNAUTHENTICATED');
  });

  it('has a manufacturer create products for itself only', () => {
    expect(ownerOfNewProduct(acmeUser, null)).toBe(acme);
    expect(ownerOfNewProduct(acmeUser, acme.toUpperCase())).toBe(acme);
    expect(codeOf(() => ownerOfNewProduct(acmeUser, globex))).toBe('FORBIDDEN');
  });

  it('has an operator name the manufacturer of a new product', () => {
    expect(ownerOfNewProduct(operator, globex)).toBe(globex);
    expect(codeOf(() => ownerOfNewProduct(operator, undefined))).toBe('BAD_USER_INPUT');
  });

  it('lets a manufacturer change only its own products, the operator any', () => {
    expect(mayChangeProductsOf(acmeUser, acme)).toBe(true);
    expect(mayChangeProductsOf(acmeUser, globex)).toBe(false);
    expect(mayChangeProductsOf(operator, globex)).toBe(true);
    expect(mayChangeProductsOf(customer, acme)).toBe(false);
    expect(ownerRestriction(operator)).toBeNull();
    expect(ownerRestriction(acmeUser)).toBe(acme);
    expect(codeOf(() => ownerRestriction({ sub: 'not-an-id', role: Role.Manufacturer }))).toBe('FORBIDDEN');
  });
});

describe('who may read settlements', () => {
  it('shows them to their manufacturer and the operator only', () => {
    expect(codeOf(() => requireSettlementReader(acmeUser, acme))).toBe('allowed');
    expect(codeOf(() => requireSettlementReader(operator, acme))).toBe('allowed');
    expect(codeOf(() => requireSettlementReader(acmeUser, globex))).toBe('FORBIDDEN');
    expect(codeOf(() => requireSettlementReader(customer, acme))).toBe('FORBIDDEN');
    expect(codeOf(() => requireSettlementReader(null, acme))).toBe('UNAUTHENTICATED');
  });
});
