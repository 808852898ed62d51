import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, CUSTOMER, OPERATOR, PRODUCT_FIELDS, UNKNOWN_ID, codeOf, manufacturerUser, startHarness, type Harness } from './support.js';

const PRODUCTS = `query($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after) { edges { cursor node { id sku name category } } pageInfo { hasNextPage endCursor } }
}`;
const PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;

describe('the public catalog', () => {
  let h: Harness;
  let acme: string;
  let globex: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness('mfr_catalog');
    acme = await h.registerManufacturer('Acme');
    globex = await h.registerManufacturer('Globex');
    const catalog: Array<[string, string, string, string]> = [
      [acme, 'DR-100', 'Cordless Drill', 'Tools'],
      [acme, 'SAW-1', 'Circular Saw', 'Tools'],
      [acme, 'HAM.2', 'Claw hammer', 'Tools'],
      [acme, 'GL_50', 'Glue 50% stronger', 'Supplies'],
      [globex, 'dr-100', 'Drill bits', 'Tools'],
      [globex, 'WID-9', 'Widget', 'Gadgets'],
      [globex, 'OLD-1', 'Antique lamp', 'Lighting'],
    ];
    for (const [manufacturerId, sku, name, category] of catalog) {
      ids[sku] = (await h.createProduct({ manufacturerId, sku, name, category, unitPrice: '12.5', initialSupply: 3 })).id;
    }
    const gone = await h.send(OPERATOR, 'mutation($id: ID!) { discontinueProduct(id: $id) { id } }', { id: ids['OLD-1'] });
    expect(gone.errors).toBeUndefined();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const names = async (variables: Record<string, unknown>) => {
    const res = await h.send(ANONYMOUS, PRODUCTS, { first: 100, ...variables });
    expect(res.errors).toBeUndefined();
    return res.data.products.edges.map((e: any) => e.node.name);
  };

  it('lists products on offer by name, hiding discontinued ones', async () => {
    expect(await names({})).toEqual(['Circular Saw', 'Claw hammer', 'Cordless Drill', 'Drill bits', 'Glue 50% stronger', 'Widget']);
    expect(await names({ filter: { includeDiscontinued: true } })).toContain('Antique lamp');
  });

  it('pages through the catalog with cursors, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: any = await h.send(ANONYMOUS, PRODUCTS, { first: 2, after, filter: { includeDiscontinued: true } });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.products.edges.map((e: any) => e.node.name));
      pages += 1;
      if (!res.data.products.pageInfo.hasNextPage) break;
      after = res.data.products.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(await names({ filter: { includeDiscontinued: true } }));
    expect(seen).toHaveLength(7);
  });

  it('filters by category and by manufacturer', async () => {
    expect(await names({ filter: { category: 'Tools' } })).toEqual(['Circular Saw', 'Claw hammer', 'Cordless Drill', 'Drill bits']);
    expect(await names({ filter: { manufacturerId: globex } })).toEqual(['Drill bits', 'Widget']);
    expect(await names({ filter: { category: 'Tools', manufacturerId: globex } })).toEqual(['Drill bits']);
    expect(await names({ filter: { manufacturerId: UNKNOWN_ID } })).toEqual([]);
  });

  it('searches name and SKU case-insensitively, taking wildcards literally', async () => {
    expect(await names({ filter: { search: 'DRILL' } })).toEqual(['Cordless Drill', 'Drill bits']);
    expect(await names({ filter: { search: 'dr-1' } })).toEqual(['Cordless Drill', 'Drill bits']);
    expect(await names({ filter: { search: 'ham.' } })).toEqual(['Claw hammer']);
    expect(await names({ filter: { search: '50%' } })).toEqual(['Glue 50% stronger']);
    expect(await names({ filter: { search: '%' } })).toEqual(['Glue 50% stronger']);
    expect(await names({ filter: { search: 'gl_' } })).toEqual(['Glue 50% stronger']);
    expect(await names({ filter: { search: 'lamp' } })).toEqual([]);
  });

  it.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['a malformed cursor', { after: '!!!' }],
    ['a search longer than 100 characters', { filter: { search: 's'.repeat(101) } }],
    ['a category longer than 100 characters', { filter: { category: 'c'.repeat(101) } }],
    ['a malformed manufacturerId', { filter: { manufacturerId: 'acme' } }],
  ])('refuses %s with BAD_USER_INPUT', async (_case, variables) => {
    expect(codeOf(await h.send(ANONYMOUS, PRODUCTS, variables))).toBe('BAD_USER_INPUT');
  });

  it('shows one product with its price, supply and manufacturer', async () => {
    const res = await h.send(ANONYMOUS, PRODUCT, { id: ids['DR-100'] });
    expect(res.errors).toBeUndefined();
    expect(res.data.product).toMatchObject({
      id: ids['DR-100'],
      sku: 'DR-100',
      name: 'Cordless Drill',
      category: 'Tools',
      unitPrice: '12.50',
      supply: 3,
      discontinued: false,
      manufacturer: { id: acme, name: 'Acme' },
    });
    expect(new Date(res.data.product.createdAt).toISOString()).toBe(res.data.product.createdAt);
  });

  it('answers null for an unknown or malformed product id', async () => {
    for (const id of [UNKNOWN_ID, 'DR-100', "'; DROP TABLE product; --"]) {
      const res = await h.send(ANONYMOUS, PRODUCT, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ product: null });
    }
  });

  it('lists the distinct categories on offer, for a category picker', async () => {
    const res = await h.send(ANONYMOUS, '{ categories }');
    expect(res.data).toEqual({ categories: ['Gadgets', 'Supplies', 'Tools'] });
  });

  it("lists each manufacturer's products, discontinued ones only when asked", async () => {
    const query = `query($id: ID!, $all: Boolean) { manufacturer(id: $id) { products(first: 1, includeDiscontinued: $all) { edges { node { sku } } pageInfo { hasNextPage endCursor } } } }`;
    const first = await h.send(ANONYMOUS, query, { id: globex });
    expect(first.data.manufacturer.products.edges.map((e: any) => e.node.sku)).toEqual(['dr-100']);
    expect(first.data.manufacturer.products.pageInfo.hasNextPage).toBe(true);
    const all = await h.send(ANONYMOUS, query.replace('first: 1', 'first: 10'), { id: globex, all: true });
    expect(all.data.manufacturer.products.edges.map((e: any) => e.node.sku)).toEqual(['OLD-1', 'dr-100', 'WID-9']);
    const next = await h.send(
      ANONYMOUS,
      `query($id: ID!, $after: String) { manufacturer(id: $id) { products(first: 10, after: $after) { edges { node { sku } } pageInfo { hasNextPage } } } }`,
      { id: globex, after: first.data.manufacturer.products.pageInfo.endCursor },
    );
    expect(next.data.manufacturer.products).toEqual({ edges: [{ node: { sku: 'WID-9' } }], pageInfo: { hasNextPage: false } });
  });

  describe("a manufacturer's settlements", () => {
    const query = 'query($id: ID!) { manufacturer(id: $id) { name settlements { edges { node { id } } pageInfo { hasNextPage } } } }';

    it.each([
      ['the manufacturer itself', () => manufacturerUser(acme)],
      ['the operator', () => OPERATOR],
    ])('are visible to %s', async (_who, identity) => {
      const res = await h.send(identity(), query, { id: acme });
      expect(res.errors).toBeUndefined();
      expect(res.data.manufacturer.settlements).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
    });

    it.each([
      ['another manufacturer', () => manufacturerUser(globex), 'FORBIDDEN'],
      ['a customer', () => CUSTOMER, 'FORBIDDEN'],
      ['an anonymous caller', () => ANONYMOUS, 'UNAUTHENTICATED'],
    ])('are refused to %s', async (_who, identity, code) => {
      const res = await h.send(identity(), query, { id: acme });
      expect(codeOf(res)).toBe(code);
      expect(res.errors![0]!.path).toEqual(['manufacturer', 'settlements']);
    });
  });
});
