/**
 * The gateway's computeResponse (src/result-shaping.ts) against @apollo/gateway's own, on the same
 * operations and data: hand-written cases for each rule, then seeded random damage to the data
 * (nulls, wrong types, bad __typename, missing fields) so that error paths are compared too.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildSchema, parseOperation } from '@apollo/federation-internals';
import { computeResponse } from '../src/result-shaping.js';

const require = createRequire(import.meta.url);
// Read before anything installs the fast one over it.
const apolloComputeResponse = (require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: typeof computeResponse }).computeResponse;

const schema = buildSchema(`
  scalar Money
  enum Status { OPEN CLOSED }
  interface Node { id: ID! }
  type Manufacturer implements Node { id: ID! name: String! }
  type Stock { available: Int! status: Status! ratio: Float }
  type Product implements Node { id: ID! name: String! price: Money manufacturer: Manufacturer stock: Stock! tags: [String!] related: [Product] }
  type Line { quantity: Int! product: Product! }
  type Order implements Node { id: ID! status: Status! lines: [Line!]! total: Money! paid: Boolean }
  union Thing = Product | Manufacturer
  type Query {
    orders(first: Int): [Order!]!
    product(id: ID!): Product
    node(id: ID!): Node
    things: [Thing]
    count: Int
  }
`);

const OPERATIONS: Record<string, string> = {
  deep: `query Deep($first: Int) { orders(first: $first) { id status total lines { quantity product { id name price manufacturer { id name } stock { available status ratio } } } } }`,
  aliases: `{ o: orders { key: id lines { q: quantity p: product { n: name t: __typename tags } } paid } count }`,
  fragments: `query F { product(id: "1") { ...P ... on Product { stock { status } } } } fragment P on Product { id name related { id ...P2 } } fragment P2 on Product { name stock { available } }`,
  abstract: `{ node(id: "1") { __typename id ... on Product { name } ... on Manufacturer { name } } things { __typename ... on Product { id tags } ... on Manufacturer { id name } ... on Node { id } } }`,
  directives: `query D($withLines: Boolean!, $noTotal: Boolean = false) { orders { id lines @include(if: $withLines) { quantity } total @skip(if: $noTotal) status @skip(if: true) paid @include(if: true) ... on Order @include(if: $withLines) { status } } }`,
  typenames: `{ orders { __typename t: __typename lines { product { __typename manufacturer { kind: __typename } } } } }`,
  introspection: `{ __schema { queryType { name } } count __typename }`,
  proto: `{ __proto__: count constructor: count toString: product(id: "1") { id } }`,
};

const VARIABLES: Record<string, Record<string, unknown>> = {
  deep: { first: 2 },
  directives: { withLines: true },
};

function product(id: string, extra: Record<string, unknown> = {}) {
  return {
    __typename: 'Product',
    id,
    name: `Product ${id}`,
    price: '2.50',
    tags: ['a', 'b'],
    manufacturer: { __typename: 'Manufacturer', id: `m${id}`, name: `Maker ${id}` },
    stock: { available: 4, status: 'OPEN', ratio: 0.5 },
    related: [{ __typename: 'Product', id: `r${id}`, name: `Related ${id}`, stock: { available: 1, status: 'CLOSED' } }, null],
    ...extra,
  };
}

function sample(): Record<string, unknown> {
  return {
    orders: [1, 2, 3].map((n) => ({
      __typename: 'Order',
      id: `o${n}`,
      key: `o${n}`,
      status: n === 2 ? 'CLOSED' : 'OPEN',
      total: '10.00',
      paid: n === 3 ? null : true,
      t: 'Order',
      lines: [1, 2].map((l) => ({ quantity: l, q: l, product: product(`${n}${l}`), p: { n: `Product ${n}${l}`, t: 'Product', tags: null } })),
    })),
    o: [{ key: 'o1', lines: [{ q: 1, p: { n: 'x', t: 'Product', tags: ['t'] } }], paid: false }],
    count: 3,
    product: product('1'),
    node: { __typename: 'Product', id: '1', name: 'Product 1' },
    things: [product('2'), { __typename: 'Manufacturer', id: 'm', name: 'M' }, null],
    // As JSON.parse makes them: own properties named like Object.prototype's.
    ...JSON.parse('{"__proto__": 9, "constructor": 8, "toString": { "id": "p" }}'),
  };
}

type Outcome = { data?: string; errors?: unknown[]; thrown?: string };

function run(fn: typeof computeResponse, name: string, input: unknown): Outcome {
  const operation = parseOperation(schema, OPERATIONS[name]!);
  try {
    const { data, errors } = fn({
      operation,
      variables: VARIABLES[name] ?? {},
      input: structuredClone(input) as Record<string, unknown>,
      introspectionHandling: () => ({ queryType: { name: 'Query' } }),
    });
    // JSON text: key order matters to clients, so it is compared too.
    return {
      data: JSON.stringify(data),
      errors: (errors as { message: string; path?: unknown; extensions?: unknown }[]).map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })),
    };
  } catch (error) {
    return { thrown: (error as Error).message };
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const DAMAGE: unknown[] = [null, undefined, 'text', 7, 1.5, true, { __typename: 'Nope' }, { __typename: 'Order' }, [], ['x'], 'DELETE', 'OPEN'];

/** Replaces one value somewhere in the tree (or deletes it) with something plausible or wrong. */
function damage(value: unknown, next: () => number): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      paths.push([...path, Array.isArray(node) ? Number(key) : key]);
      walk((node as Record<string, unknown>)[key], [...path, Array.isArray(node) ? Number(key) : key]);
    }
  };
  walk(copy, []);
  const path = paths[Math.floor(next() * paths.length)]!;
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const replacement = DAMAGE[Math.floor(next() * DAMAGE.length)];
  if (replacement === 'DELETE') delete parent[path[path.length - 1]!];
  else parent[path[path.length - 1]!] = replacement;
  return copy;
}

describe('computeResponse', () => {
  for (const name of Object.keys(OPERATIONS)) {
    it(`shapes "${name}" exactly as @apollo/gateway does`, () => {
      const ours = run(computeResponse, name, sample());
      expect(ours.thrown).toBeUndefined();
      expect(ours).toEqual(run(apolloComputeResponse, name, sample()));
    });
  }

  it('fails the same way as @apollo/gateway on damaged subgraph data (seeded)', () => {
    const next = random(20260601);
    let withErrors = 0;
    for (let i = 0; i < 600; i++) {
      const name = Object.keys(OPERATIONS)[i % Object.keys(OPERATIONS).length]!;
      let input: unknown = sample();
      const hits = 1 + Math.floor(next() * 3);
      for (let h = 0; h < hits; h++) input = damage(input, next);
      const expected = run(apolloComputeResponse, name, input);
      if (expected.thrown || expected.errors?.length) withErrors++;
      expect(run(computeResponse, name, input), `case ${i} (${name})`).toEqual(expected);
    }
    // The damage did reach the error paths.
    expect(withErrors).toBeGreaterThan(50);
  });

  it('keeps response names that Object.prototype also has as plain fields', () => {
    expect(run(computeResponse, 'proto', sample()).data).toBe('{"__proto__":9,"constructor":8,"toString":{"id":"p"}}');
  });

  it('answers null data for null input, as Apollo does', () => {
    const operation = parseOperation(schema, OPERATIONS.aliases!);
    expect(computeResponse({ operation, input: null, introspectionHandling: () => null })).toEqual({ data: null, errors: [] });
  });
});
