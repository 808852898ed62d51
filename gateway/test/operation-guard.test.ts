/**
 * The operation guard (src/limits) against the served supergraph: what each limit counts, the
 * figures a refusal carries, how the cost follows `first` and the variables, and the subscription
 * planner refusing before it plans.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { getIntrospectionQuery, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql/index.js';
import { Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { composeServices } from '@apollo/composition';
import { OperationGuard } from '../src/limits/index.js';
import { SubscriptionPlanner } from '../src/subscriptions/planner.js';
import { loadServiceConfig } from '../src/config.js';
import { CATALOG_SDL, STOCK_SDL } from './fixtures/subscription-subgraphs.js';

const schema = Supergraph.build(readFileSync(loadServiceConfig({}).supergraphPath, 'utf8'))
  .apiSchema()
  .toGraphQLJSSchema() as unknown as GraphQLSchema;
const guard = new OperationGuard({ depth: 6, aliases: 2, rootFields: 2, directives: 1, cost: 1000, tokens: 60, documentBytes: 300 });

function operationOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return { document, operation };
}

/** The limit errors of `source` as a client sees their extensions: document-only limits, then cost. */
function refusal(source: string, variables: Record<string, unknown> = {}) {
  const { document, operation } = operationOf(source);
  return guard.operationError(schema, document, operation, variables)?.extensions;
}

function costOf(source: string, variables: Record<string, unknown> = {}): number | undefined {
  const { document, operation } = operationOf(source);
  return new OperationGuard().measure(schema, source, document, operation, variables).cost;
}

describe('the limits that need only the document', () => {
  it('counts depth as the response nests, through fragments, and says by how much it is over', () => {
    const deep = '{ product(id: "p") { ...Maker } } fragment Maker on Product { manufacturer { products { edges { node { manufacturer { id } } } } } }';
    expect(refusal(deep)).toEqual({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 6, actual: 7 });
  });

  it('accepts an operation at the depth limit', () => {
    expect(refusal('{ product(id: "p") { ...Maker } } fragment Maker on Product { manufacturer { products { edges { node { id } } } } }')).toBeUndefined();
  });

  it('counts aliases inside fragments once per spread', () => {
    expect(refusal('{ product(id: "p") { ...Names } } fragment Names on Product { a: name b: sku }')).toBeUndefined();
    expect(refusal('{ product(id: "p") { ...Names manufacturer { products { edges { node { ...Names } } } } } } fragment Names on Product { a: name b: sku }')).toMatchObject({
      limit: 'aliases',
      max: 2,
      actual: 4,
    });
  });

  it('counts root fields through fragments, but not __typename', () => {
    expect(refusal('{ categories currentRound { number } __typename }')).toBeUndefined();
    expect(refusal('{ categories ...More } fragment More on Query { currentRound { number } manufacturers { edges { cursor } } }')).toMatchObject({
      limit: 'rootFields',
      max: 2,
      actual: 3,
    });
  });

  it('lets the introspection query of Apollo Sandbox through (development: production turns introspection off)', () => {
    const source = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const { document, operation } = operationOf(source);
    expect(new OperationGuard().operationError(schema, document, operation, {})).toBeUndefined();
  });

  it('counts directives', () => {
    expect(refusal('{ categories @skip(if: false) currentRound @include(if: true) { number } }')).toMatchObject({ limit: 'directives', max: 1, actual: 2 });
  });

  it('measures the document in UTF-8 bytes before anything parses it', () => {
    expect(guard.sizeError(`{ product(id: "${'a'.repeat(250)}") { id } }`)).toBeUndefined();
    expect(guard.sizeError(`{ product(id: "${'é'.repeat(150)}") { id } }`)?.extensions).toEqual({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'documentBytes',
      max: 300,
      actual: 326,
    });
    expect(guard.sizeError(undefined)).toBeUndefined();
  });

  it('stops parsing past the token limit and reports how many tokens the document has', () => {
    const source = `{ ${'categories '.repeat(70)}}`;
    let thrown: unknown;
    try {
      parse(source, guard.parseOptions);
    } catch (error) {
      thrown = error;
    }
    expect(guard.tokenError(thrown, source)?.extensions).toEqual({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens', max: 60, actual: 72 });
    expect(guard.tokenError(new Error('Syntax Error: Expected Name, found <EOF>.'), '{')).toBeUndefined();
  });
});

describe('the cost', () => {
  it('multiplies a connection by its first, or by the default page of 20 when first is absent', () => {
    // products 1 + 5 × (edges 1 + node 1 + id 1)
    expect(costOf('{ products(first: 5) { edges { node { id } } } }')).toBe(16);
    expect(costOf('{ products { edges { node { id } } } }')).toBe(61);
    expect(costOf('{ products(first: 5) { edges { node { id manufacturer { products(first: 5) { edges { node { id } } } } } } } }')).toBe(1 + 5 * (1 + 1 + 1 + 1 + 16));
  });

  it('weighs a list without first by the configured estimate, and never lets a negative first lower it', () => {
    expect(costOf('{ offers(category: "tea") { id name } }')).toBe(1 + 10 * 2);
    expect(costOf('{ products(first: -100) { edges { node { id } } } }')).toBe(costOf('{ products(first: 1) { edges { node { id } } } }'));
  });

  it('follows the variables, also when the same document comes back with other values', () => {
    const query = 'query Page($n: Int = 50) { products(first: $n) { edges { node { id } } } }';
    expect(costOf(query, { n: 5 })).toBe(16);
    const { document, operation } = operationOf(query);
    const costly = (variables: Record<string, unknown>) => guard.costError(schema, document, operation, variables)?.extensions.actual;
    expect(costly({ n: 5 })).toBeUndefined();
    expect(costly({ n: 400 })).toBe(1 + 400 * 3);
    expect(costly({ n: 5 })).toBeUndefined();
    // Absent: the operation's default (50); an explicit null: the subgraphs' default page (20).
    expect(costOf(query, {})).toBe(151);
    expect(costOf(query, { n: null })).toBe(61);
  });

  it('follows @skip and @include', () => {
    const query = 'query Maybe($all: Boolean!) { categories products(first: 100) @include(if: $all) { edges { node { id } } } }';
    expect(costOf(query, { all: false })).toBe(1);
    expect(costOf(query, { all: true })).toBe(302);
  });

  it('leaves variables that do not fit to the path, which refuses them before planning', () => {
    const { document, operation } = operationOf('query Page($n: Int!) { products(first: $n) { edges { node { id } } } }');
    expect(guard.costError(schema, document, operation, { n: 'many' })).toBeUndefined();
    expect(guard.costError(schema, document, operation, {})).toBeUndefined();
  });

  it('refuses a fragment bomb, which expands to more selections than it is worth pricing', () => {
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const source = `{ ...F0 } ${fragments} fragment F20 on Query { categories }`;
    const { document, operation } = operationOf(source);
    expect(new OperationGuard().operationError(schema, document, operation, {})?.extensions).toEqual({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 32_000 });
  });
});

describe('subscriptions', () => {
  const composed = composeServices([
    { name: 'inventory', url: 'http://inventory.invalid/graphql', typeDefs: parse(STOCK_SDL) as never },
    { name: 'manufacturer', url: 'http://manufacturer.invalid/graphql', typeDefs: parse(CATALOG_SDL) as never },
  ]);
  if (composed.errors) throw composed.errors[0];
  const plans = vi.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
  afterEach(() => {
    plans.mockClear();
  });
  const plannerWith = (options: ConstructorParameters<typeof OperationGuard>[0], production = false) =>
    new SubscriptionPlanner(composed.supergraphSdl!, { guard: new OperationGuard(options), production });
  const errorsOf = (result: ReturnType<SubscriptionPlanner['plan']>) => ('errors' in result ? result.errors : []);

  it('refuses an over-deep subscription with the limit error, and plans nothing', () => {
    const [error] = errorsOf(plannerWith({ depth: 2 }).plan('subscription { availabilityChanged { product { name } } }', undefined));
    expect(error?.extensions).toEqual({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 2, actual: 3 });
    expect(plans).not.toHaveBeenCalled();
  });

  it('prices a subscription with its variables, on a cached plan too', () => {
    const planner = plannerWith({ cost: 5 });
    const watch = 'subscription Watch($all: Boolean!) { availabilityChanged { available note product @include(if: $all) { name price } } }';
    expect('plan' in planner.plan(watch, undefined, { all: false })).toBe(true);
    expect(plans).toHaveBeenCalledTimes(1);
    expect(errorsOf(planner.plan(watch, undefined, { all: true }))[0]?.extensions).toEqual({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 5, actual: 6 });
    expect(plans).toHaveBeenCalledTimes(1);
  });

  it('refuses a document past the byte or token limit before it is parsed or planned', () => {
    const planner = plannerWith({ documentBytes: 100, tokens: 10 });
    expect(errorsOf(planner.plan(`subscription { stockDepleted { note } } #${'x'.repeat(100)}`, undefined))[0]?.extensions).toMatchObject({ limit: 'documentBytes', max: 100 });
    expect(errorsOf(planner.plan('subscription { availabilityChanged { available note product { name price } } }', undefined))[0]?.extensions).toEqual({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'tokens',
      max: 10,
      actual: 13,
    });
    expect(plans).not.toHaveBeenCalled();
  });

  it('gives no "Did you mean" hint in production, and keeps it in development', () => {
    const typo = 'subscription { availabilityChanged { availabel } }';
    expect(errorsOf(plannerWith({}, true).plan(typo, undefined))[0]?.message).toBe('Cannot query field "availabel" on type "StockItem".');
    expect(errorsOf(plannerWith({}).plan(typo, undefined))[0]?.message).toMatch(/Did you mean "available"\?$/);
  });
});
