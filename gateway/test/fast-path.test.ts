/**
 * The fast path (src/fast-path.ts) answers exactly as Apollo Server does: the same requests sent to
 * a gateway with it and to one without it get the same status, content type, cache-control and
 * body. Also: which requests it takes, and the sharing of identical subgraph reads
 * (InflightReads) and of repeated entity representations.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { Role } from '@distribution/auth';
import { eventually, startTestIssuer, type TestIssuer } from '@distribution/testkit';
import { composeSupergraph } from '../src/supergraph.js';
import { startGateway, type GatewaySettings, type RunningGateway } from '../src/server.js';
import { InflightReads } from '../src/subgraph-data-source.js';
import { INVENTORY_SDL, MANUFACTURER_SDL, counters, startEchoSubgraphs, writeSubgraphTree } from './fixtures/echo-subgraphs.js';

let issuer: TestIssuer;
let subgraphs: Awaited<ReturnType<typeof startEchoSubgraphs>>;
let fast: RunningGateway;
let apolloOnly: RunningGateway;
let operatorToken: string;
let otherToken: string;
const tempDirs: string[] = [];
const apolloCalls = vi.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');
/** Requests a gateway handed to Apollo Server (the echo subgraphs are Apollo Servers too: their calls carry the credential). */
const gatewayApolloCalls = () => apolloCalls.mock.calls.filter(([{ httpGraphQLRequest }]) => !httpGraphQLRequest.headers.get('x-internal-credential')).length;

beforeAll(async () => {
  issuer = await startTestIssuer();
  subgraphs = await startEchoSubgraphs();
  const root = writeSubgraphTree({ manufacturer: MANUFACTURER_SDL, inventory: INVENTORY_SDL });
  const dir = mkdtempSync(join(tmpdir(), 'gateway-fast-path-'));
  tempDirs.push(root, dir);
  const { supergraphSdl } = composeSupergraph(root, [
    { name: 'manufacturer', url: subgraphs.manufacturer.url },
    { name: 'inventory', url: subgraphs.inventory.url },
  ]);
  writeFileSync(join(dir, 'supergraph.graphql'), supergraphSdl);
  const settings: GatewaySettings = {
    port: 0,
    jwksUrl: issuer.jwksUrl,
    accountUrl: 'http://127.0.0.1:9/graphql',
    internalCredential: 'fast-path-test-credential',
    manufacturerUrl: subgraphs.manufacturer.url,
    inventoryUrl: subgraphs.inventory.url,
    orderUrl: 'http://127.0.0.1:9/graphql',
    supergraphPath: join(dir, 'supergraph.graphql'),
    maxSubscriptionsPerConnection: 10,
    maxConnections: 100,
  };
  [fast, apolloOnly] = await Promise.all([startGateway(settings), startGateway(settings, { fastPath: false })]);
  operatorToken = await issuer.sign({ role: Role.Operator, sub: 'op-1' });
  otherToken = await issuer.sign({ role: Role.Manufacturer, sub: 'm-7' });
});

afterAll(async () => {
  await issuer?.stop();
  await Promise.all([fast?.stop(), apolloOnly?.stop()]);
  await subgraphs?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** Whether the fast path should answer it (otherwise Apollo Server does). */
  fast: boolean;
  method?: string;
  headers?: Record<string, string> | (() => Record<string, string>);
  body?: unknown;
  /** Sent as is (not JSON-encoded). */
  raw?: string;
  search?: string;
}

const json = { 'content-type': 'application/json' };
const token = () => ({ authorization: `Bearer ${operatorToken}` });

const CASES: Case[] = [
  { name: 'an anonymous query', fast: true, body: { query: '{ product(id: "p1") { id name stock } }' } },
  { name: 'a named query, as an operator', fast: true, headers: token, body: { query: 'query Who { whoami { sub role credential requestId } }', operationName: 'Who' } },
  { name: 'the operation picked by name', fast: true, body: { query: 'query A { product(id: "a") { name } } query B { product(id: "b") { stock } }', operationName: 'B' } },
  {
    name: 'variables, aliases, fragments, __typename, @skip and @include',
    fast: true,
    body: {
      query: `query V($id: ID!, $more: Boolean!, $less: Boolean = false) {
      first: product(id: $id) { ...F t: __typename stock @include(if: $more) name @skip(if: $less) }
      again: product(id: "x") { ... on Product { id } }
    }
    fragment F on Product { id stockSeenBy }`,
      variables: { id: 'p9', more: true },
    },
  },
  {
    name: 'explicit nulls for operationName, variables and extensions',
    fast: true,
    body: { query: '{ product(id: "n") { id } }', operationName: null, variables: null, extensions: null },
  },
  { name: 'extensions without a persisted query', fast: true, body: { query: '{ product(id: "e") { id } }', extensions: { client: 'x' } } },
  { name: 'an error a subgraph raised', fast: true, body: { query: '{ forbidden }' } },
  { name: 'errors of entities, next to data', fast: true, body: { query: '{ products(ids: ["a", "bad1", "a", "bad1"]) { id stock flaky } }' } },
  { name: 'a mutation', fast: true, headers: token, body: { query: 'mutation { touch }' } },
  { name: 'Accept: */*', fast: true, headers: { accept: '*/*' }, body: { query: '{ product(id: "p1") { id } }' } },
  { name: 'Accept: application/json', fast: true, headers: { accept: 'application/json' }, body: { query: '{ product(id: "p1") { id } }' } },
  { name: 'Accept: application/graphql-response+json', fast: true, headers: { accept: 'application/graphql-response+json' }, body: { query: '{ product(id: "p1") { id } }' } },
  {
    name: 'Accept: both, graphql-response first',
    fast: true,
    headers: { accept: 'application/graphql-response+json, application/json' },
    body: { query: '{ product(id: "p1") { id } }' },
  },
  {
    name: 'Accept: both, json at q=0.9',
    fast: true,
    headers: { accept: 'application/graphql-response+json,application/json;q=0.9' },
    body: { query: '{ product(id: "p1") { id } }' },
  },
  ...['application/json, */*', 'application/json,*/*', 'application/graphql-response+json,application/json', 'application/graphql-response+json, application/json;q=0.9'].map(
    (accept) => ({ name: `Accept: ${accept}`, fast: true, headers: { accept }, body: { query: '{ product(id: "p2") { id } }' } }),
  ),
  { name: 'a JSON content type with a charset', fast: true, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { query: '{ product(id: "cs") { id } }' } },

  {
    name: 'Accept it does not know',
    fast: false,
    headers: { accept: 'application/json;q=0.5, application/graphql-response+json;q=0.6' },
    body: { query: '{ product(id: "p1") { id } }' },
  },
  { name: 'Accept nothing it can answer', fast: false, headers: { accept: 'text/html' }, body: { query: '{ product(id: "p1") { id } }' } },
  { name: 'a bad token', fast: false, headers: { authorization: 'Bearer nope' }, body: { query: '{ whoami { sub } }' } },
  { name: 'a syntax error', fast: false, body: { query: '{ product(id: "p1") { id }' } },
  { name: 'a validation error', fast: false, body: { query: '{ product(id: "p1") { nope } }' } },
  { name: 'a missing variable', fast: false, body: { query: 'query($id: ID!) { product(id: $id) { id } }' } },
  { name: 'a variable of the wrong type', fast: false, body: { query: 'query($ms: Int!) { slow(ms: $ms) }', variables: { ms: 'soon' } } },
  { name: 'a NUL byte in a variable (input hygiene)', fast: false, body: { query: 'query($id: ID!) { product(id: $id) { id } }', variables: { id: 'p\u0000' } } },
  { name: 'a control character written inline (input hygiene)', fast: false, body: { query: '{ product(id: "p\\u001B") { id } }' } },
  { name: 'two operations and no name', fast: false, body: { query: 'query A { whoami { sub } } query B { whoami { role } }' } },
  { name: 'an unknown operation name', fast: false, body: { query: 'query A { whoami { sub } }', operationName: 'Nope' } },
  { name: 'a subscription over HTTP', fast: false, body: { query: 'subscription { whoami { sub } }' } },
  { name: 'introspection', fast: false, body: { query: '{ __schema { queryType { name } } }' } },
  { name: 'a persisted query', fast: false, body: { extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } } },
  { name: 'a persisted query next to its text', fast: false, body: { query: '{ whoami { sub } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } } },
  { name: 'a query that is not a string', fast: false, body: { query: { kind: 'Document' } } },
  { name: 'variables as a string', fast: false, body: { query: '{ whoami { sub } }', variables: '{}' } },
  { name: 'an operationName that is not a string', fast: false, body: { query: '{ whoami { sub } }', operationName: 3 } },
  { name: 'an empty body object', fast: false, body: {} },
  { name: 'a batch', fast: false, body: [{ query: '{ whoami { sub } }' }] },
  { name: 'the query plan header', fast: false, headers: { 'apollo-query-plan-experimental': '1' }, body: { query: '{ product(id: "p1") { stock } }' } },
  { name: 'text/plain (CSRF)', fast: false, headers: { 'content-type': 'text/plain' }, raw: JSON.stringify({ query: '{ whoami { sub } }' }) },
  {
    name: 'a GET with apollo-require-preflight',
    fast: false,
    method: 'GET',
    headers: { 'apollo-require-preflight': 'true' },
    search: `?query=${encodeURIComponent('{ whoami { sub } }')}`,
  },
  { name: 'a GET mutation', fast: false, method: 'GET', headers: { 'apollo-require-preflight': 'true' }, search: `?query=${encodeURIComponent('mutation { touch }')}` },
];

async function send(gateway: RunningGateway, c: Case, requestId: string) {
  const method = c.method ?? 'POST';
  const response = await fetch(gateway.url + (c.search ?? ''), {
    method,
    headers: { ...(method === 'POST' ? json : {}), 'x-request-id': requestId, ...(typeof c.headers === 'function' ? c.headers() : c.headers) },
    body: method === 'POST' ? (c.raw ?? JSON.stringify(c.body)) : undefined,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    requestId: response.headers.get('x-request-id'),
    body: await response.text(),
  };
}

describe('the fast path', () => {
  for (const [index, c] of CASES.entries()) {
    it(`answers ${c.name} as Apollo Server does (${c.fast ? 'itself' : 'through Apollo Server'})`, async () => {
      // The mutation counts calls: each gateway sees the same count if they start level.
      counters.touch = 0;
      const before = gatewayApolloCalls();
      const ours = await send(fast, c, `case-${index}`);
      const throughApollo = gatewayApolloCalls() - before;
      counters.touch = 0;
      const theirs = await send(apolloOnly, c, `case-${index}`);
      expect(ours).toEqual(theirs);
      expect(throughApollo).toBe(c.fast ? 0 : 1);
    });
  }

  it('was compared on answers that matter', async () => {
    // A few of the compared answers, spelled out, so that "both equally wrong" would show.
    const who = await send(fast, CASES[1]!, 'spelled-out');
    expect(who.status).toBe(200);
    expect(who.cacheControl).toBe('no-store');
    expect(who.contentType).toBe('application/json; charset=utf-8');
    expect(who.body).toBe('{"data":{"whoami":{"sub":"op-1","role":"OPERATOR","credential":"fast-path-test-credential","requestId":"spelled-out"}}}\n');
    const refused = await send(
      fast,
      CASES.find((c) => c.name.startsWith('a NUL byte'))!,
      'refused',
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors).toEqual([
      {
        message: 'Variable $id contains a control character (U+0000); only printable text on one line is accepted',
        extensions: { code: 'BAD_USER_INPUT', argument: '$id', rule: 'control-character' },
      },
    ]);
    const entities = await send(
      fast,
      CASES.find((c) => c.name.startsWith('errors of entities'))!,
      'entities',
    );
    expect(JSON.parse(entities.body)).toEqual({
      errors: [
        { message: 'No stock figure for bad1', path: ['products', 1, 'flaky'], extensions: { code: 'NOT_FOUND', serviceName: 'inventory' } },
        { message: 'No stock figure for bad1', path: ['products', 3, 'flaky'], extensions: { code: 'NOT_FOUND', serviceName: 'inventory' } },
      ],
      data: {
        products: [
          { id: 'a', stock: 7, flaky: 1 },
          { id: 'bad1', stock: 7, flaky: null },
          { id: 'a', stock: 7, flaky: 1 },
          { id: 'bad1', stock: 7, flaky: null },
        ],
      },
    });
  });
});

describe('subgraph calls', () => {
  const post = (body: unknown, authorization?: string) =>
    fetch(fast.url, {
      method: 'POST',
      headers: { ...json, ...(authorization ? { authorization: `Bearer ${authorization}` } : {}) },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ data?: any; errors?: unknown[] }>);
  const slowCalls = () => subgraphs.manufacturer.received.filter((r) => r.query.includes('slow')).length;

  it('gives each of a burst of identical reads an answer of a call made for the burst, one answer per call', async () => {
    const before = slowCalls();
    const counterBefore = counters.slow;
    const answers = await Promise.all(Array.from({ length: 5 }, () => post({ query: '{ slow(ms: 100) }' }, operatorToken)));
    expect(answers.map((a) => a.errors)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // The subgraph numbers its answers: readers that shared a call got the same number, and no
    // reader got an answer from before the burst or one no call gave. How many calls the burst
    // shared depends on how the requests reached the gateway.
    const calls = slowCalls() - before;
    const numbers = [...new Set(answers.map((a) => a.data?.slow))].sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: calls }, (_, i) => counterBefore + 1 + i));
  });

  it('does not share a read between different callers', async () => {
    const before = slowCalls();
    const answers = await Promise.all([post({ query: '{ slow(ms: 150) }' }, operatorToken), post({ query: '{ slow(ms: 150) }' }, otherToken)]);
    expect(answers.every((a) => typeof a.data?.slow === 'number')).toBe(true);
    expect(slowCalls() - before).toBe(2);
  });

  it('never lets a read join a call already sent, so it cannot answer from before it arrived', async () => {
    const before = slowCalls();
    const first = post({ query: '{ slow(ms: 300) }' }, operatorToken);
    // Once the first call is at the subgraph, an identical read gets a call of its own.
    await eventually(() => slowCalls() - before === 1);
    const second = await post({ query: '{ slow(ms: 300) }' }, operatorToken);
    expect((await first).data?.slow).not.toBe(second.data?.slow);
    expect(slowCalls() - before).toBe(2);
  });

  it('sends every mutation', async () => {
    counters.touch = 0;
    const answers = await Promise.all(Array.from({ length: 3 }, () => post({ query: 'mutation { touch }' }, operatorToken)));
    expect(answers.map((a) => a.data?.touch).sort()).toEqual([1, 2, 3]);
  });

  it('asks a subgraph for each distinct entity once', async () => {
    const start = subgraphs.inventory.received.length;
    const answer = await post({ query: '{ products(ids: ["x", "y", "x", "x", "y"]) { id stock } }' });
    expect(answer.data.products).toEqual(['x', 'y', 'x', 'x', 'y'].map((id) => ({ id, stock: 7 })));
    const calls = subgraphs.inventory.received.slice(start);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.variables?.representations).toEqual([
      { __typename: 'Product', id: 'x' },
      { __typename: 'Product', id: 'y' },
    ]);
  });
});

describe('InflightReads', () => {
  const answer = (text: string) => ({ status: 200, statusText: 'OK', headers: { get: () => null }, text, json: async () => JSON.parse(text) });

  it('makes one call for identical reads asked for in the same turn, and a new one after it was sent', async () => {
    const reads = new InflightReads();
    let calls = 0;
    const call = async () => answer(`{"n":${++calls}}`);
    const burst = await Promise.all([reads.share('k', call), reads.share('k', call), reads.share('other', call)]);
    expect(burst.map((r) => r.text)).toEqual(['{"n":1}', '{"n":1}', '{"n":2}']);
    expect(reads.size).toBe(0);
    expect((await reads.share('k', call)).text).toBe('{"n":3}');
  });

  it("hands a failed call's error to every caller that shared it", async () => {
    const reads = new InflightReads();
    const failing = async () => {
      throw new Error('refused');
    };
    const results = await Promise.allSettled([reads.share('k', failing), reads.share('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const thrown = await Promise.allSettled([
      reads.share('t', () => {
        throw new Error('at once');
      }),
    ]);
    expect(thrown[0]).toMatchObject({ status: 'rejected', reason: { message: 'at once' } });
  });
});
