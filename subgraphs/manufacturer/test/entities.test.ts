import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, OPERATOR, UNKNOWN_ID, startHarness, type Harness } from './support.js';

const ENTITIES =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on Product { id sku supply } ... on Manufacturer { id name } } }';

describe('federation entities without N+1', () => {
  let h: Harness;
  let manufacturerIds: string[];
  let productIds: string[];

  beforeAll(async () => {
    // Polling only once a minute: the statement counter then sees only what a request runs.
    h = await startHarness('mfr_entities', { eventPollIntervalMs: 60_000 });
    const db = h.service.database;
    manufacturerIds = (await db.query(`INSERT INTO manufacturer (name) SELECT 'Maker ' || lpad(n::text, 2, '0') FROM generate_series(1, 20) n RETURNING id`)).map(
      (r: { id: string }) => r.id,
    );
    productIds = (
      await db.query(
        `INSERT INTO product (manufacturer_id, sku, name, category, unit_price_cents, supply)
       SELECT ($1::uuid[])[1 + n % 20], 'SKU-' || n, 'Product ' || lpad(n::text, 2, '0'), 'Tools', 100 + n, n
       FROM generate_series(1, 50) n RETURNING id`,
        [manufacturerIds],
      )
    ).map((r: { id: string }) => r.id);
    await quiet();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Waits until the background event loops have gone idle, so a count delta is the request's own. */
  async function quiet() {
    for (let stable = 0, last = -1; stable < 3;) {
      await new Promise((r) => setTimeout(r, 100));
      const now = h.service.database.statements.count;
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  }

  /** Runs a request and returns its response with the number of SQL statements it cost. */
  async function counted(query: string, variables: Record<string, unknown>) {
    await quiet();
    const before = h.service.database.statements.count;
    const res = await h.send(ANONYMOUS, query, variables);
    expect(res.errors).toBeUndefined();
    return { res, statements: h.service.database.statements.count - before };
  }

  it('resolves 50 Product representations with one SQL statement', async () => {
    const { res, statements } = await counted(ENTITIES, { representations: productIds.map((id) => ({ __typename: 'Product', id })) });
    expect(res.data._entities).toHaveLength(50);
    expect(res.data._entities.map((e: any) => e.id)).toEqual(productIds);
    expect(statements).toBe(1);
  });

  it('resolves 20 Manufacturer representations with one SQL statement', async () => {
    const { res, statements } = await counted(ENTITIES, { representations: manufacturerIds.map((id) => ({ __typename: 'Manufacturer', id })) });
    expect(res.data._entities.map((e: any) => e.name)).toEqual(manufacturerIds.map((_, i) => `Maker ${String(i + 1).padStart(2, '0')}`));
    expect(statements).toBe(1);
  });

  it('adds one statement for the manufacturers of 50 products', async () => {
    const query = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id manufacturer { id name } } } }';
    const { res, statements } = await counted(query, { representations: productIds.map((id) => ({ __typename: 'Product', id })) });
    expect(new Set(res.data._entities.map((e: any) => e.manufacturer.id)).size).toBe(20);
    expect(statements).toBe(2);
  });

  it('answers null for unknown and malformed representations, still in one statement', async () => {
    const representations = [
      { __typename: 'Product', id: productIds[0] },
      { __typename: 'Product', id: UNKNOWN_ID },
      { __typename: 'Product', id: 'nonsense' },
    ];
    const { res, statements } = await counted(ENTITIES, { representations });
    expect(res.data._entities).toEqual([{ __typename: 'Product', id: productIds[0], sku: expect.any(String), supply: expect.any(Number) }, null, null]);
    expect(statements).toBe(1);
  });

  it('lists 20 manufacturers with their first products in two statements', async () => {
    const query = '{ manufacturers(first: 20) { edges { node { name products(first: 2) { edges { node { name manufacturer { name } } } pageInfo { hasNextPage } } } } } }';
    const { res, statements } = await counted(query, {});
    const edges = res.data.manufacturers.edges;
    expect(edges).toHaveLength(20);
    // 50 products over 20 manufacturers: ten have three, ten have two.
    expect(edges.filter((e: any) => e.node.products.pageInfo.hasNextPage)).toHaveLength(10);
    for (const { node } of edges) {
      expect(node.products.edges).toHaveLength(2);
      for (const p of node.products.edges) expect(p.node.manufacturer.name).toBe(node.name);
    }
    expect(statements).toBe(2);
  });

  it("reads every manufacturer's settlements in one statement", async () => {
    const query = '{ manufacturers(first: 20) { edges { node { settlements(first: 5) { edges { node { id } } } } } } }';
    await quiet();
    const before = h.service.database.statements.count;
    const res = await h.send(OPERATOR, query);
    expect(res.errors).toBeUndefined();
    expect(h.service.database.statements.count - before).toBe(2);
  });
});
