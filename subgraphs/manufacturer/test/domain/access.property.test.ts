import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { ROLES, Role, type Identity } from '@distribution/auth';
import { propertyRuns } from '@distribution/testkit/properties';
import { mayChangeProductsOf, ownerOfNewProduct, ownerRestriction, requireCatalogEditor, requireProductOwner, requireSettlementReader } from '../../src/domain/access.js';

const RUNS = propertyRuns(200);
/** Ids with letters, so that their case can differ. */
const MAKERS = ['a1111111-1111-4111-8111-11111111111b', 'c2222222-2222-4222-8222-22222222222d'];
/** Any caller: any role, whose id may be a manufacturer's (in either case) or something else entirely. */
const who = fc.record({
  role: fc.constantFrom(...ROLES),
  sub: fc.oneof(
    fc.constantFrom(...MAKERS),
    fc.constantFrom(...MAKERS).map((id) => id.toUpperCase()),
    fc.constantFrom('ops', 'not-an-id'),
  ),
});
const maker = fc.oneof(
  fc.constantFrom(...MAKERS),
  fc.constantFrom(...MAKERS).map((id) => id.toUpperCase()),
);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** 'allowed' with the value, or the code and message of the refusal. */
function decision<T>(rule: () => T): { allowed: T } | { code: unknown; field?: unknown } {
  try {
    return { allowed: rule() };
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toMatch(/\S/);
    const { code, field } = (error as GraphQLError).extensions;
    return field === undefined ? { code } : { code, field };
  }
}

describe('who may change whose products, for any caller', () => {
  it('lets the operator change any product and a manufacturer only its own, whatever the case of the id', () => {
    fc.assert(
      fc.property(who, maker, (editor: Identity, owner) => {
        const may = editor.role === Role.Operator || (editor.role === Role.Manufacturer && same(editor.sub, owner));
        expect(mayChangeProductsOf(editor, owner)).toBe(may);
        expect(decision(() => requireProductOwner(editor, owner))).toEqual(may ? { allowed: undefined } : { code: 'FORBIDDEN' });
      }),
      RUNS,
    );
  });

  it("limits a manufacturer's UPDATE to its own id in lower case, and an operator's to nothing", () => {
    fc.assert(
      fc.property(who, (editor: Identity) => {
        const expected =
          editor.role === Role.Operator ? { allowed: null } : MAKERS.some((id) => same(id, editor.sub)) ? { allowed: editor.sub.toLowerCase() } : { code: 'FORBIDDEN' };
        expect(decision(() => ownerRestriction(editor))).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('gives a new product to its manufacturer, or to the one the operator names', () => {
    fc.assert(
      fc.property(who, fc.option(maker, { nil: undefined }), (editor: Identity, requested) => {
        const expected =
          editor.role === Role.Manufacturer
            ? requested === undefined || same(requested, editor.sub)
              ? { allowed: editor.sub }
              : { code: 'FORBIDDEN' }
            : requested === undefined
              ? { code: 'BAD_USER_INPUT', field: 'manufacturerId' }
              : { allowed: requested };
        expect(decision(() => ownerOfNewProduct(editor, requested))).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('lets only operators and manufacturers edit the catalog, and nobody anonymous', () => {
    fc.assert(
      fc.property(fc.option(who, { nil: null }), (editor: Identity | null) => {
        const expected = editor === null ? { code: 'UNAUTHENTICATED' } : editor.role === Role.Customer ? { code: 'FORBIDDEN' } : { allowed: editor };
        expect(decision(() => requireCatalogEditor(editor))).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('shows settlements to their manufacturer and the operator, to no one else', () => {
    fc.assert(
      fc.property(fc.option(who, { nil: null }), maker, (reader: Identity | null, owner) => {
        const expected =
          reader === null
            ? { code: 'UNAUTHENTICATED' }
            : reader.role === Role.Operator || (reader.role === Role.Manufacturer && same(reader.sub, owner))
              ? { allowed: undefined }
              : { code: 'FORBIDDEN' };
        expect(decision(() => requireSettlementReader(reader, owner))).toEqual(expected);
      }),
      RUNS,
    );
  });
});
