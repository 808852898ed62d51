import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { CompositionError, composeSupergraph } from '../src/supergraph.js';
import { INVENTORY_SDL, MANUFACTURER_SDL, writeSubgraphTree } from './fixtures/echo-subgraphs.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const TWO = [
  { name: 'manufacturer', url: 'http://localhost:4001/graphql' },
  { name: 'inventory', url: 'http://localhost:4002/graphql' },
];
const roots: string[] = [];
const tree = (schemas: Record<string, string>) => {
  const root = writeSubgraphTree(schemas);
  roots.push(root);
  return root;
};
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('composeSupergraph', () => {
  it('joins two subgraphs that share an entity into one supergraph with their routing URLs', () => {
    const { supergraphSdl } = composeSupergraph(tree({ manufacturer: MANUFACTURER_SDL, inventory: INVENTORY_SDL }), TWO);
    expect(supergraphSdl).toContain('@join__graph(name: "manufacturer", url: "http://localhost:4001/graphql")');
    expect(supergraphSdl).toContain('@join__graph(name: "inventory", url: "http://localhost:4002/graphql")');
    expect(supergraphSdl).toMatch(/type Product[\s\S]*stock: Int!/);
  });

  it('refuses subgraphs that disagree about a field, naming the field and the subgraphs', () => {
    const root = tree({
      manufacturer: `${LINK}\ntype Query { a: Int }\ntype Product @key(fields: "id") { id: ID!, name: String! }`,
      inventory: `${LINK}\ntype Product @key(fields: "id") { id: ID!, name: Int! }`,
    });
    let failure: unknown;
    try {
      composeSupergraph(root, TWO);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CompositionError);
    const message = (failure as CompositionError).message;
    expect(message).toMatch(/^Supergraph composition failed with \d+ error\(s\):/);
    expect(message).toContain('Product.name');
    expect(message).toMatch(/manufacturer/);
    expect(message).toMatch(/inventory/);
  });

  it('names the subgraph whose schema file is missing', () => {
    expect(() => composeSupergraph(tree({ manufacturer: MANUFACTURER_SDL }), TWO)).toThrow(/inventory subgraph has no schema/);
  });
});
