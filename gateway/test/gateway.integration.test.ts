import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Role } from '@distribution/auth';
import { eventually, startTestIssuer, type TestIssuer } from '@distribution/testkit';
import { composeSupergraph } from '../src/supergraph.js';
import { startGateway, type GatewaySettings, type RunningGateway } from '../src/server.js';
import { INVENTORY_SDL, MANUFACTURER_SDL, startEchoSubgraphs, writeSubgraphTree } from './fixtures/echo-subgraphs.js';

let issuer: TestIssuer;
const INTERNAL_CREDENTIAL = 'integration-test-internal-credential';
// Deliberately unreachable: the gateway must route by its config, not by the supergraph's URLs.
const STALE_URL = 'http://127.0.0.1:9/graphql';

let subgraphs: Awaited<ReturnType<typeof startEchoSubgraphs>>;
let gateway: RunningGateway;
let settings: GatewaySettings;
const tempDirs: string[] = [];
// Every line the gateway logs, parsed, so tests can read the request log.
const logLines: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  }),
);

beforeAll(async () => {
  issuer = await startTestIssuer();
  subgraphs = await startEchoSubgraphs();
  const root = writeSubgraphTree({ manufacturer: MANUFACTURER_SDL, inventory: INVENTORY_SDL });
  const dir = mkdtempSync(join(tmpdir(), 'gateway-supergraph-'));
  tempDirs.push(root, dir);
  const { supergraphSdl } = composeSupergraph(root, [
    { name: 'manufacturer', url: STALE_URL },
    { name: 'inventory', url: STALE_URL },
  ]);
  writeFileSync(join(dir, 'supergraph.graphql'), supergraphSdl);
  settings = {
    port: 0,
    jwksUrl: issuer.jwksUrl,
    accountUrl: 'http://127.0.0.1:9/graphql',
    internalCredential: INTERNAL_CREDENTIAL,
    manufacturerUrl: subgraphs.manufacturer.url,
    inventoryUrl: subgraphs.inventory.url,
    orderUrl: STALE_URL,
    supergraphPath: join(dir, 'supergraph.graphql'),
    maxSubscriptionsPerConnection: 10,
    maxConnections: 100,
  };
  gateway = await startGateway(settings, { logger });
});

afterAll(async () => {
  await issuer?.stop();
  await gateway?.stop();
  await subgraphs?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function post(body: unknown, headers: Record<string, string> = {}, url = gateway.url) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { response, text, json: JSON.parse(text) as { data?: any; errors?: any[] } };
}

describe('the gateway', () => {
  it('forwards the verified identity, the internal credential and the request id to every subgraph it calls', async () => {
    const token = await issuer.sign({ role: Role.Manufacturer, sub: 'm-42' });
    const { response, json } = await post(
      { query: 'query WhoAmI { whoami { sub role credential requestId } product(id: "p1") { name stock stockSeenBy } }', operationName: 'WhoAmI' },
      { authorization: `Bearer ${token}`, 'x-request-id': 'req-abc-123' },
    );
    expect(json.errors).toBeUndefined();
    expect(json.data.whoami).toEqual({ sub: 'm-42', role: 'MANUFACTURER', credential: INTERNAL_CREDENTIAL, requestId: 'req-abc-123' });
    // Product.stock comes from the other subgraph through _entities: it is told the same.
    expect(json.data.product).toEqual({ name: 'Product p1', stock: 7, stockSeenBy: `m-42|MANUFACTURER|${INTERNAL_CREDENTIAL}|req-abc-123` });
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
  });

  it('calls subgraphs as anonymous, still with the credential, when there is no token, and makes up a request id', async () => {
    const { response, json } = await post({ query: '{ whoami { sub role credential requestId } }' });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.data.whoami).toEqual({ sub: null, role: null, credential: INTERNAL_CREDENTIAL, requestId });
  });

  it('logs one line per request with its request id, operation name, status and duration', async () => {
    await post({ query: 'query Catalog { product(id: "p2") { name } }' }, { 'x-request-id': 'req-log-1' });
    // The line is written when the response has gone out: wait for it, bounded.
    await eventually(() => logLines.some((line) => line.requestId === 'req-log-1'));
    const lines = logLines.filter((line) => line.requestId === 'req-log-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request', method: 'POST', path: '/graphql', status: 200, operationName: 'Catalog' });
    expect(lines[0]!.durationMs).toEqual(expect.any(Number));
  });

  it('answers a bad token with UNAUTHENTICATED, not a 500 and not a stack trace', async () => {
    const { response, text, json } = await post({ query: '{ whoami { sub } }' }, { authorization: 'Bearer not.a.token' });
    expect(response.status).toBe(200);
    expect(json.data).toBeUndefined();
    expect(json.errors).toHaveLength(1);
    expect(json.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    expect(text).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('keeps the code of an error a subgraph raised, without its stack trace', async () => {
    const { text, json } = await post({ query: '{ forbidden }' });
    expect(json.errors![0]).toMatchObject({ message: 'Only operators may see this', extensions: { code: 'FORBIDDEN' } });
    expect(text).not.toContain('stacktrace');
  });

  it('serves the Apollo Sandbox to a browser asking for /graphql', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/embeddable-sandbox/);
  });

  it('blocks a POST a browser form could send (text/plain) as a possible CSRF', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ whoami { sub } }' }) });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });

  it('says it is alive and ready', async () => {
    const base = gateway.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('reports a subgraph it cannot reach as SUBGRAPH_UNAVAILABLE, without its address', async () => {
    const cut = await startGateway({ ...settings, inventoryUrl: STALE_URL });
    try {
      const { text, json } = await post({ query: '{ product(id: "p1") { name stock } }' }, {}, cut.url);
      expect(json.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'inventory' });
      expect(text).not.toContain('127.0.0.1:9');
    } finally {
      await cut.stop();
    }
  });

  it('stops cleanly: not ready, not listening', async () => {
    const other = await startGateway(settings);
    await Promise.all([other.stop(), other.stop()]);
    expect(other.server.listening).toBe(false);
    await expect(fetch(other.url)).rejects.toThrow();
  });
});
