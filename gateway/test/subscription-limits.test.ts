/**
 * Transport limits of the gateway's WebSocket endpoint: frames too large, too many sockets or new
 * connections from one address, and connections whose token has expired.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { Role } from '@distribution/auth';
import { startTestIssuer, type TestIssuer } from '@distribution/testkit';
import type { RunningSubgraph } from '@distribution/server';
import { startGateway, type GatewaySettings, type RunningGateway } from '../src/server.js';
import { SubscriptionCloseCode, attachSubscriptions } from '../src/subscriptions/index.js';
import { createLogger } from '@distribution/logging';
import { StockFeed, startCatalogSubgraph, startStockSubgraph, writeFixtureSupergraph, type CatalogSubgraph } from './fixtures/subscription-subgraphs.js';
import { TestSubscriptionClient, eventually } from './fixtures/subscription-client.js';

let issuer: TestIssuer;
const INTERNAL_CREDENTIAL = 'subscription-limits-internal-credential';
const STALE_URL = 'http://127.0.0.1:9/graphql';
const NOTICES = 'subscription { manufacturerNotices { sub role } }';

const feed = new StockFeed();
let stock: RunningSubgraph;
let catalog: CatalogSubgraph;
let settings: GatewaySettings;
let dir: string;
const gateways: RunningGateway[] = [];
const clients: TestSubscriptionClient[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  [stock, catalog] = await Promise.all([startStockSubgraph(feed, INTERNAL_CREDENTIAL), startCatalogSubgraph(INTERNAL_CREDENTIAL)]);
  dir = mkdtempSync(join(tmpdir(), 'gateway-subscription-limits-'));
  settings = {
    port: 0,
    jwksUrl: issuer.jwksUrl,
    accountUrl: 'http://127.0.0.1:9/graphql',
    internalCredential: INTERNAL_CREDENTIAL,
    inventoryUrl: stock.url,
    manufacturerUrl: catalog.url,
    orderUrl: STALE_URL,
    supergraphPath: writeFixtureSupergraph(dir, { inventory: STALE_URL, manufacturer: STALE_URL }).path,
    maxSubscriptionsPerConnection: 5,
    maxConnections: 50,
  };
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
  await eventually(() => feed.active === 0, 5000, 'upstream subscriptions released');
});
afterAll(async () => {
  await issuer?.stop();
  await Promise.all([stock?.stop(), catalog?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function gatewayWith(extra: Partial<GatewaySettings>): Promise<RunningGateway> {
  const gateway = await startGateway({ ...settings, ...extra });
  gateways.push(gateway);
  return gateway;
}

async function connect(url: string, params?: Record<string, unknown>): Promise<TestSubscriptionClient> {
  const client = await TestSubscriptionClient.connect(url, params);
  clients.push(client);
  return client;
}

/** An upgrade attempt: the HTTP status it was refused with (and its Retry-After), or the open socket. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined });
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

const closedSocket = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

describe('a connection whose token expires', () => {
  it('is closed with 4403 "Token expired" when the token runs out, and hears nothing after', async () => {
    const gateway = await gatewayWith({});
    const lasting = await connect(gateway.url, { authorization: `Bearer ${await issuer.sign({ role: Role.Manufacturer, sub: 'm-lasting' })}` });
    const expiring = await connect(gateway.url, { authorization: `Bearer ${await issuer.sign({ role: Role.Manufacturer, sub: 'm-expiring' }, '2s')}` });
    lasting.subscribe('n', NOTICES);
    expiring.subscribe('n', NOTICES);
    // Each gets its snapshot notice: both private subscriptions are live upstream.
    expect((await lasting.take('n')).payload.data.manufacturerNotices.sub).toBe('m-lasting');
    expect((await expiring.take('n')).payload.data.manufacturerNotices.sub).toBe('m-expiring');
    expect(feed.active).toBe(2);

    expect(await expiring.closed).toEqual({ code: SubscriptionCloseCode.TokenExpired, reason: 'Token expired: connect again with a fresh token' });
    // Its upstream subscription is gone with it; the other connection's stays.
    await eventually(() => feed.active === 1, 5000, 'the expired connection released upstream');
    const before = expiring.all('n').length;
    feed.notify('after-expiry');
    expect((await lasting.take('n')).type).toBe('next');
    expect(expiring.all('n')).toHaveLength(before);
  });

  it('is refused at connection_init when the token has already expired', async () => {
    const gateway = await gatewayWith({});
    const expired = await issuer.sign({ role: Role.Manufacturer, sub: 'm-old' }, '-1s');
    await expect(TestSubscriptionClient.connect(gateway.url, { authorization: `Bearer ${expired}` })).rejects.toMatchObject({ code: 4403 });
  });
});

describe('frames', () => {
  it('closes a socket that sends a frame over 64 KiB with 1009, before connection_init', async () => {
    const gateway = await gatewayWith({});
    const { ws } = await upgrade(gateway.url);
    const closed = closedSocket(ws!);
    ws!.send('x'.repeat(64 * 1024 + 1));
    expect((await closed).code).toBe(1009);
  });

  it('reads a frame just under the cap as a message', async () => {
    // The frame cap is what is under test here, not the document size limit (16 KiB by default).
    const gateway = await gatewayWith({ operationLimits: { documentBytes: 128 * 1024 } });
    const client = await connect(gateway.url);
    client.subscribe('big', `subscription { stockDepleted { note ${' '.repeat(60 * 1024)} product { id } } }`);
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    feed.deplete('p1', 'read whole');
    expect((await client.take('big')).payload).toEqual({ data: { stockDepleted: { note: 'read whole', product: { id: 'p1' } } } });
  });
});

describe('connections per client address', () => {
  it('refuses sockets past maxConnectionsPerAddress with HTTP 429 at the upgrade, and admits again once one closes', async () => {
    const gateway = await gatewayWith({ maxConnectionsPerAddress: 2 });
    const first = await upgrade(gateway.url);
    const second = await upgrade(gateway.url);
    expect([first.status, second.status]).toEqual([101, 101]);
    // A spoofed X-Forwarded-For is not another client: no proxy is trusted.
    expect((await upgrade(gateway.url, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
    const firstClosed = closedSocket(first.ws!);
    first.ws!.close();
    await firstClosed;
    await eventually(() => gateway.subscriptions.stats().connections === 1, 5000, 'the closed socket counted out');
    const third = await upgrade(gateway.url);
    expect(third.status).toBe(101);
    for (const socket of [second.ws, third.ws]) socket!.terminate();
  });

  it('refuses new connections past the per-address rate with HTTP 429 and Retry-After', async () => {
    const gateway = await gatewayWith({ rateLimits: { connectionsPerAddress: { points: 3, durationSeconds: 60 } } });
    const opened = [];
    for (let i = 0; i < 3; i += 1) opened.push(await upgrade(gateway.url));
    expect(opened.map((o) => o.status)).toEqual([101, 101, 101]);
    for (const { ws } of opened) ws!.terminate();
    const refused = await upgrade(gateway.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
  });

  it('counts clients behind a trusted proxy by the address the proxy saw', async () => {
    const gateway = await gatewayWith({ maxConnectionsPerAddress: 1, rateLimits: { trustedProxies: 1 } });
    const a = await upgrade(gateway.url, { 'x-forwarded-for': '198.51.100.1' });
    const b = await upgrade(gateway.url, { 'x-forwarded-for': '198.51.100.2' });
    const again = await upgrade(gateway.url, { 'x-forwarded-for': '10.9.9.9, 198.51.100.1' });
    expect([a.status, b.status, again.status]).toEqual([101, 101, 429]);
    for (const socket of [a.ws, b.ws]) socket!.terminate();
  });
});

describe('the upgrade while its admission is being checked', () => {
  it('survives a client that resets the connection meanwhile', async () => {
    let admit!: (retryAfterSeconds: number | undefined) => void;
    let asked!: () => void;
    const checking = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const server = createServer();
    const endpoint = attachSubscriptions(server, {
      logger: createLogger('upgrade-reset', 'silent'),
      supergraphSdl: writeFixtureSupergraph(dir, { inventory: stock.url, manufacturer: catalog.url }, 'reset.graphql').supergraphSdl,
      subgraphUrls: {},
      internalCredential: INTERNAL_CREDENTIAL,
      verifyToken: async () => null,
      // The check takes as long as the test says (as a slow Redis would).
      admitConnection: () =>
        new Promise((resolve) => {
          admit = resolve;
          asked();
        }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const serverSockets = new Set<import('node:net').Socket>();
    server.on('upgrade', (_req, socket) => serverSockets.add(socket as import('node:net').Socket));
    try {
      const client = connectTcp((server.address() as AddressInfo).port, '127.0.0.1');
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      client.write(
        'GET /graphql HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
      );
      await checking;
      const [socket] = [...serverSockets];
      // Only 'close' here: an 'error' listener of the test's own would hide a socket the gateway left without one.
      const closed = new Promise<void>((resolve) => socket!.once('close', () => resolve()));
      client.resetAndDestroy();
      // The reset reaches the server's socket as an error (ECONNRESET), then a close.
      await closed;
      admit(undefined);
      expect(endpoint.stats().connections).toBe(0);
    } finally {
      await endpoint.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
