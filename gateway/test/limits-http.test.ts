/**
 * Both HTTP paths of the gateway hold operations to the same limits: a gateway with its fast path
 * and one without answer every operation past a limit with the same 400 and the same
 * OPERATION_LIMIT_EXCEEDED body, before any query plan is built and before any subgraph is asked;
 * a cost that depends on variables is judged per request even when the query text is cached; and
 * in production no error carries a "Did you mean" hint.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { startGateway, type GatewaySettings, type RunningGateway } from '../src/server.js';

/** A catalog whose items nest (related) and whose lists take `first`, so that every limit can be reached. */
const CATALOG_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { item(id: ID!): Item, catalog(first: Int): [Item!]!, touchCount: Int! }
type Mutation { touch: Int! }
type Item @key(fields: "id") { id: ID!, name: String!, related(first: Int): [Item!]! }
`;
const LIMITS = { depth: 3, aliases: 2, rootFields: 3, directives: 2, cost: 30, tokens: 40, documentBytes: 400 };

let touched = 0;
const items = (first: number | null | undefined) => Array.from({ length: Math.min(first ?? 3, 5) }, (_, i) => ({ id: `i${i}`, name: `Item ${i}` }));
const resolvers = {
  Query: {
    item: (_: unknown, { id }: { id: string }) => ({ id, name: `Item ${id}` }),
    catalog: (_: unknown, { first }: { first?: number }) => items(first),
    touchCount: () => touched,
  },
  Mutation: { touch: () => ++touched },
  Item: { related: (_: unknown, { first }: { first?: number }) => items(first) },
};

let catalog: { url: string; stop(): Promise<void> };
/** Requests the catalog subgraph received. */
let received = 0;
let fast: RunningGateway;
let apolloOnly: RunningGateway;
let production: RunningGateway;
let dir: string;
const planned = vi.spyOn(QueryPlanner.prototype, 'buildQueryPlan');

beforeAll(async () => {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(CATALOG_SDL), resolvers: resolvers as never }),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart() {
          received++;
        },
      },
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0 } });
  catalog = { url, stop: () => server.stop() };
  // Composed as "manufacturer": the gateway's settings route that name to a URL of its own.
  const composed = composeServices([{ name: 'manufacturer', url, typeDefs: parse(CATALOG_SDL) }]);
  if (composed.errors) throw composed.errors[0];
  dir = mkdtempSync(join(tmpdir(), 'gateway-limits-'));
  writeFileSync(join(dir, 'supergraph.graphql'), composed.supergraphSdl);
  const settings: GatewaySettings = {
    port: 0,
    // No request here carries a token: the account service (and its keys) is never asked.
    accountUrl: 'http://127.0.0.1:9/graphql',
    internalCredential: 'limits-test-internal-credential',
    manufacturerUrl: url,
    inventoryUrl: 'http://127.0.0.1:9/graphql',
    orderUrl: 'http://127.0.0.1:9/graphql',
    supergraphPath: join(dir, 'supergraph.graphql'),
    maxSubscriptionsPerConnection: 10,
    maxConnections: 100,
    operationLimits: LIMITS,
  };
  [fast, apolloOnly, production] = await Promise.all([
    startGateway(settings, { production: false }),
    startGateway(settings, { production: false, fastPath: false }),
    startGateway(settings, { production: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([fast?.stop(), apolloOnly?.stop(), production?.stop()]);
  await catalog?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  planned.mockClear();
});

interface Answer {
  status: number;
  contentType: string | null;
  body: any;
}

async function send(gateway: RunningGateway, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
}

const REFUSED: Array<{ limit: string; query: string; actual?: number }> = [
  { limit: 'depth', query: '{ item(id: "a") { related { related { name } } } }', actual: 4 },
  { limit: 'aliases', query: '{ a: item(id: "a") { name } b: item(id: "b") { name } c: item(id: "c") { name } }', actual: 3 },
  { limit: 'rootFields', query: '{ touchCount item(id: "a") { name } catalog(first: 1) { id } other: item(id: "b") { id } }', actual: 4 },
  { limit: 'directives', query: '{ touchCount @skip(if: false) item(id: "a") @include(if: true) { name @include(if: true) } }', actual: 3 },
  { limit: 'tokens', query: `query Many($v: [Int] = [${'0 '.repeat(45)}]) { touchCount }`, actual: 61 },
  { limit: 'documentBytes', query: `{ touchCount } #${'x'.repeat(400)}`, actual: 416 },
  { limit: 'cost', query: '{ catalog(first: 50) { id name } }', actual: 101 },
  { limit: 'aliases', query: 'mutation { a: touch b: touch c: touch }', actual: 3 },
];

describe('an operation past a limit', () => {
  it.each(REFUSED.map((c) => [c.limit, c] as const))('is refused for %s the same way on both paths, before planning or any subgraph call', async (limit, { query, actual }) => {
    const [before, touchesBefore] = [received, touched];
    const [viaFastPath, viaApollo] = [await send(fast, query), await send(apolloOnly, query)];
    expect(viaFastPath).toEqual(viaApollo);
    expect(viaFastPath.status).toBe(400);
    expect(viaFastPath.body.data).toBeUndefined();
    expect(viaFastPath.body.errors).toEqual([
      { message: expect.any(String), extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, max: LIMITS[limit as keyof typeof LIMITS], actual } },
    ]);
    expect(planned).not.toHaveBeenCalled();
    expect([received, touched]).toEqual([before, touchesBefore]);
  });
});

describe('a cost that depends on the variables', () => {
  const query = 'query Page($n: Int) { catalog(first: $n) { id name } }';

  it('is judged per request, also once the fast path knows the query', async () => {
    for (const gateway of [fast, apolloOnly]) {
      const cheap = await send(gateway, query, { n: 2 });
      expect(cheap.body).toEqual({ data: { catalog: items(2) } });
      const before = received;
      planned.mockClear();
      const costly = await send(gateway, query, { n: 50 });
      expect(costly.status).toBe(400);
      expect(costly.body.errors[0].extensions).toEqual({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 30, actual: 101 });
      expect(received).toBe(before);
      expect(planned).not.toHaveBeenCalled();
      expect((await send(gateway, query, { n: 2 })).body).toEqual(cheap.body);
    }
  });

  it('lets an operation within every limit through on both paths', async () => {
    const within = '{ item(id: "a") { name related(first: 2) { id } } }';
    const [viaFastPath, viaApollo] = [await send(fast, within), await send(apolloOnly, within)];
    expect(viaFastPath).toEqual(viaApollo);
    expect(viaFastPath.body).toEqual({ data: { item: { name: 'Item a', related: items(2).map(({ id }) => ({ id })) } } });
  });
});

describe('field suggestions', () => {
  const typo = '{ item(id: "a") { nmae } }';

  it('are absent from errors in production', async () => {
    const answer = await send(production, typo);
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { message: string }) => e.message)).toEqual(['Cannot query field "nmae" on type "Item".']);
  });

  it('are given in development', async () => {
    expect((await send(fast, typo)).body.errors[0].message).toMatch(/Did you mean "name"\?$/);
  });
});
