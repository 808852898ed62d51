/**
 * Federated subscriptions end to end: real subgraph servers (graphql-ws with the credential check),
 * the real gateway, graphql-ws clients. Limits are turned down so that each behaviour shows in milliseconds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import { Role } from '@distribution/auth';
import { startTestIssuer, type TestIssuer } from '@distribution/testkit';
import type { RunningSubgraph } from '@distribution/server';
import { startGateway, type GatewaySettings, type RunningGateway } from '../src/server.js';
import { SubscriptionCloseCode, subscriptionStats } from '../src/subscriptions/index.js';
import { StockFeed, startCatalogSubgraph, startStockSubgraph, writeFixtureSupergraph, type CatalogSubgraph } from './fixtures/subscription-subgraphs.js';
import { TestSubscriptionClient, eventually } from './fixtures/subscription-client.js';

let issuer: TestIssuer;
const INTERNAL_CREDENTIAL = 'subscription-test-internal-credential';
// The supergraph's routing URLs are deliberately wrong: the gateway must route by its config.
const STALE_URL = 'http://127.0.0.1:9/graphql';
const UNAVAILABLE_AFTER_MS = 1500;

const feed = new StockFeed();
let stock: RunningSubgraph;
let catalog: CatalogSubgraph;
let gateway: RunningGateway;
let settings: GatewaySettings;
let dir: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  [stock, catalog] = await Promise.all([startStockSubgraph(feed, INTERNAL_CREDENTIAL), startCatalogSubgraph(INTERNAL_CREDENTIAL)]);
  dir = mkdtempSync(join(tmpdir(), 'gateway-subscriptions-'));
  settings = {
    port: 0,
    jwksUrl: issuer.jwksUrl,
    accountUrl: 'http://127.0.0.1:9/graphql',
    internalCredential: INTERNAL_CREDENTIAL,
    inventoryUrl: stock.url,
    manufacturerUrl: catalog.url,
    orderUrl: STALE_URL,
    supergraphPath: writeFixtureSupergraph(dir, { inventory: STALE_URL, manufacturer: STALE_URL }).path,
    maxSubscriptionsPerConnection: 3,
    maxConnections: 50,
  };
  gateway = await startGateway(settings, {
    subscriptionTuning: {
      maxQueuedMessages: 20,
      sendHighWaterMarkBytes: 16 * 1024,
      upstreamUnavailableAfterMs: UNAVAILABLE_AFTER_MS,
      upstreamRetryDelayMs: { min: 50, max: 200 },
    },
  });
});

afterAll(async () => {
  await issuer?.stop();
  await gateway?.stop();
  await Promise.all([stock?.stop(), catalog?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const clients: TestSubscriptionClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  // Every test starts from nothing held anywhere: no shared upstream leaks into the next one.
  await eventually(
    () => {
      const stats = subscriptionStats();
      return stats.connections === 0 && stats.downstreamSubscriptions === 0 && stats.upstreamSubscriptions === 0 && feed.active === 0;
    },
    5000,
    'connections and subscriptions released',
  );
  feed.available.clear();
});

const token = (role: Role, sub: string) => issuer.sign({ role, sub });

async function connect(params?: Record<string, unknown>, url = gateway.url): Promise<TestSubscriptionClient> {
  const client = await TestSubscriptionClient.connect(url, params);
  clients.push(client);
  return client;
}

const WATCH = 'subscription Watch($ids: [ID!]) { availabilityChanged(productIds: $ids) { available note product { id name price } } }';
const DEPLETIONS = 'subscription { stockDepleted { note product { id } } }';

describe('federated subscriptions', () => {
  it('resolves each event across subgraphs, with one _entities call per event', async () => {
    const client = createClient({ url: gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const events = client.iterate<{ availabilityChanged: unknown }>({ query: WATCH, variables: { ids: ['p1', 'p2'] } });
    try {
      await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
      const before = catalog.entityCalls();
      feed.setAvailable('p1', 5);
      expect((await events.next()).value).toEqual({ data: { availabilityChanged: { available: 5, note: null, product: { id: 'p1', name: 'Product p1', price: 1.5 } } } });
      expect(catalog.entityCalls()).toBe(before + 1);

      feed.setAvailable('p3', 1); // not asked for: the subgraph filters it out
      feed.setAvailable('p2', 0);
      expect((await events.next()).value).toEqual({ data: { availabilityChanged: { available: 0, note: null, product: { id: 'p2', name: 'Product p2', price: 2.5 } } } });
      expect(catalog.entityCalls()).toBe(before + 2);
    } finally {
      await events.return?.();
      await client.dispose();
    }
  });

  it('shares one upstream subscription between identical ones, replays the latest state to the later one, and closes it with the last', async () => {
    const first = await connect();
    const second = await connect();
    first.subscribe('a', WATCH, { ids: ['p1'] });
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    feed.setAvailable('p1', 7);
    expect((await first.take('a')).payload.data.availabilityChanged.available).toBe(7);

    // Named differently, same upstream operation: shared. The subgraph sent its snapshot only once, so the gateway replays p1.
    second.subscribe('b', WATCH.replace('Watch', 'Other').replace('Watch', 'Other'), { ids: ['p1'] }, 'Other');
    expect((await second.take('b')).payload.data.availabilityChanged).toMatchObject({ available: 7, product: { id: 'p1' } });
    await eventually(() => subscriptionStats().downstreamSubscriptions === 2, 5000, 'two downstream subscriptions');
    expect(subscriptionStats().upstreamSubscriptions).toBe(1);
    const subscribesBefore = feed.subscribes;
    // Scraped on the metrics port; the public port has no /metrics.
    const metrics = await (await fetch(gateway.metricsUrl!)).text();
    expect(metrics).toMatch(/^gateway_upstream_subscriptions 1$/m);
    expect(metrics).toMatch(/^gateway_downstream_subscriptions 2$/m);
    expect(metrics).toMatch(/^gateway_subscription_events_total\{subgraph="inventory"\} \d+$/m);

    first.complete('a');
    await eventually(() => subscriptionStats().downstreamSubscriptions === 1, 5000, 'one downstream subscription');
    expect(subscriptionStats().upstreamSubscriptions).toBe(1);
    feed.setAvailable('p1', 6);
    expect((await second.take('b')).payload.data.availabilityChanged.available).toBe(6);
    expect(first.all('a')).toHaveLength(1);

    second.close();
    await eventually(() => subscriptionStats().upstreamSubscriptions === 0 && feed.active === 0, 5000, 'the upstream closed');
    expect(feed.subscribes).toBe(subscribesBefore);
  });

  it('opens private subscriptions upstream as the caller, with the internal credential', async () => {
    const client = await connect({ Authorization: `Bearer ${await token(Role.Manufacturer, 'm-7')}` });
    client.subscribe('n', 'subscription { manufacturerNotices { sub role requestId } }');
    const first = await client.take('n');
    expect(first.payload.data.manufacturerNotices).toMatchObject({ sub: 'm-7', role: 'MANUFACTURER', requestId: expect.any(String) });
    // The subgraph only accepts graphql-ws connections that carry the gateway's credential.
    expect(feed.seen.at(-1)!.identity).toEqual({ sub: 'm-7', role: 'MANUFACTURER' });
  });

  it('passes on a FORBIDDEN from the subgraph as the error of that subscription, and the connection stays usable', async () => {
    const client = await connect({ authorization: `Bearer ${await token(Role.Customer, 'c-1')}` });
    client.subscribe('n', 'subscription { manufacturerNotices { sub } }');
    const refused = await client.take('n');
    expect(refused.type).toBe('error');
    expect(refused.payload[0]).toMatchObject({ message: 'Only manufacturers receive notices', extensions: { code: 'FORBIDDEN', serviceName: 'inventory' } });

    client.subscribe('d', DEPLETIONS);
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    feed.deplete('p4');
    expect((await client.take('d')).payload.data.stockDepleted.product.id).toBe('p4');
  });

  it('refuses a token that does not verify by closing with 4403, and a socket without graphql-transport-ws with 4406', async () => {
    await expect(TestSubscriptionClient.connect(gateway.url, { authorization: 'Bearer not.a.token' })).rejects.toMatchObject({ code: SubscriptionCloseCode.Forbidden });
    // Expired a minute ago: no waiting for a live token to run out.
    const expired = await issuer.sign({ role: Role.Customer, sub: 'c-1' }, -60);
    await expect(TestSubscriptionClient.connect(gateway.url, { authorization: `Bearer ${expired}` })).rejects.toMatchObject({ code: 4403 });
    // A client offering only another subprotocol fails its handshake (no protocol agreed); one offering none hears why.
    await expect(TestSubscriptionClient.open(gateway.url, 'graphql-ws')).rejects.toThrow(/subprotocol/);
    const bare = await TestSubscriptionClient.open(gateway.url, null);
    expect((await bare.closed).code).toBe(SubscriptionCloseCode.SubprotocolNotAcceptable);
  });

  it('refuses queries, invalid operations and bad variables with an error for that id only', async () => {
    const client = await connect();
    client.subscribe('q', '{ product(id: "p1") { name } }');
    expect(await client.take('q')).toMatchObject({ type: 'error', payload: [{ message: expect.stringMatching(/HTTP POST/), extensions: { code: 'BAD_REQUEST' } }] });
    client.subscribe('v', 'subscription { nothingHere }');
    expect(await client.take('v')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    client.subscribe('x', WATCH, { ids: { not: 'ids' } });
    expect(await client.take('x')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'BAD_USER_INPUT' } }] });

    client.subscribe('ok', DEPLETIONS);
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    feed.deplete('p5');
    expect((await client.take('ok')).type).toBe('next');
    expect(client.isOpen).toBe(true);
  });

  it('holds at most maxSubscriptionsPerConnection subscriptions per connection', async () => {
    const client = await connect();
    for (const id of ['1', '2', '3']) client.subscribe(id, DEPLETIONS);
    client.subscribe('4', DEPLETIONS);
    expect(await client.take('4')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'BAD_USER_INPUT', maxSubscriptionsPerConnection: 3 } }] });

    client.complete('1');
    client.subscribe('5', DEPLETIONS);
    await eventually(() => subscriptionStats().downstreamSubscriptions === 3 && feed.active === 1, 5000, 'three subscriptions on one upstream');
    feed.deplete('p6');
    expect((await client.take('5')).type).toBe('next');
    expect(client.all('1')).toHaveLength(0);
  });

  it('keeps only the latest availability per product for a client that reads too slowly', async () => {
    const client = await connect();
    client.subscribe('s', 'subscription { availabilityChanged(productIds: ["p1", "p2", "p3"]) { available note product { id } } }');
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    client.pause();
    const padding = 'x'.repeat(32 * 1024);
    const rounds = 150;
    const eventsBefore = subscriptionStats().events;
    for (let round = 0; round < rounds; round += 1) for (const id of ['p1', 'p2', 'p3']) feed.setAvailable(id, round, padding);
    await eventually(() => subscriptionStats().events === eventsBefore + rounds * 3, 10_000, 'the gateway to receive every event');
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.resume();

    const latest = () => {
      const seen = new Map<string, number>();
      for (const message of client.all('s')) seen.set(message.payload.data.availabilityChanged.product.id, message.payload.data.availabilityChanged.available);
      return seen;
    };
    await client.until(() => [...latest().values()].every((available) => available === rounds - 1) && latest().size === 3, 10_000, 'the last value of each product');
    const received = client.all('s');
    expect(received.length).toBeLessThan(rounds * 3);
    // Coalescing drops intermediate states, never reorders one product's states.
    for (const id of ['p1', 'p2', 'p3']) {
      const values = received
        .map((m) => m.payload.data.availabilityChanged)
        .filter((item) => item.product.id === id)
        .map((item) => item.available);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    expect(client.isOpen).toBe(true);
  });

  it('closes a client too slow for events that must not be dropped, with 4490', async () => {
    const client = await connect();
    client.subscribe('d', DEPLETIONS);
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    client.pause();
    const padding = 'x'.repeat(32 * 1024);
    for (let batch = 0; batch < 40 && subscriptionStats().downstreamSubscriptions > 0; batch += 1) {
      for (let i = 0; i < 50; i += 1) feed.deplete(`p${i}`, padding);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(subscriptionStats().downstreamSubscriptions).toBe(0);
    client.resume();
    expect(await client.closed).toEqual({ code: SubscriptionCloseCode.TooSlow, reason: 'Too slow: events would be lost' });
  });
});

describe('when a subgraph goes away', () => {
  async function restartStock(): Promise<void> {
    stock = await startStockSubgraph(feed, INTERNAL_CREDENTIAL, stock.port);
  }

  it('keeps the client subscribed while it retries, and resumes with the snapshot the subgraph sends', async () => {
    feed.available.set('p1', 1);
    const client = await connect();
    client.subscribe('s', 'subscription { availabilityChanged(productIds: ["p1"]) { available note } }');
    expect((await client.take('s')).payload.data.availabilityChanged).toEqual({ available: 1, note: 'snapshot' });
    const subscribes = feed.subscribes;

    await stock.stop();
    feed.available.set('p1', 9); // changed while nobody could tell the gateway
    await new Promise((resolve) => setTimeout(resolve, 300));
    await restartStock();

    expect((await client.take('s')).payload.data.availabilityChanged).toEqual({ available: 9, note: 'snapshot' });
    expect(feed.subscribes).toBe(subscribes + 1);
    feed.setAvailable('p1', 8);
    expect((await client.take('s')).payload.data.availabilityChanged).toEqual({ available: 8, note: null });
    expect(subscriptionStats().upstreamSubscriptions).toBe(1);
  });

  it('ends the subscription with SUBGRAPH_UNAVAILABLE once the subgraph stays away past the bound', async () => {
    const client = await connect();
    client.subscribe('d', DEPLETIONS);
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    await stock.stop();
    try {
      const ended = await client.take('d', UNAVAILABLE_AFTER_MS + 3000);
      expect(ended).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'inventory' } }] });
      // `error` ends the operation in graphql-transport-ws: nothing follows it, and the connection stays.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.all('d')).toHaveLength(1);
      expect(client.isOpen).toBe(true);
      expect(subscriptionStats().upstreamSubscriptions).toBe(0);
    } finally {
      await restartStock();
    }
  });
});

describe('a gateway with one connection allowed', () => {
  let small: RunningGateway;
  beforeAll(async () => {
    small = await startGateway({ ...settings, maxConnections: 1 });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('ends every subscription with SUBSCRIPTION_SCHEMA_RELOAD when the supergraph changes, then plans on the new one', async () => {
    const client = await connect(undefined, small.url);
    client.subscribe('d', DEPLETIONS);
    await eventually(() => feed.active === 1, 5000, 'the upstream subscription');
    const { supergraphSdl: same } = writeFixtureSupergraph(dir, { inventory: STALE_URL, manufacturer: STALE_URL }, 'same.graphql');
    small.subscriptions.reload(same); // the same supergraph: nothing to end
    feed.deplete('p8');
    expect((await client.take('d')).type).toBe('next');
    const { supergraphSdl: changed } = writeFixtureSupergraph(dir, { inventory: 'http://127.0.0.1:10/graphql', manufacturer: STALE_URL }, 'changed.graphql');
    small.subscriptions.reload(changed);
    expect(await client.take('d')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'SUBSCRIPTION_SCHEMA_RELOAD' } }] });
    await eventually(() => feed.active === 0, 5000, 'the upstream closed');

    client.subscribe('again', DEPLETIONS);
    await eventually(() => feed.active === 1, 5000, 'the new upstream subscription');
    feed.deplete('p7');
    expect((await client.take('again')).payload.data.stockDepleted.product.id).toBe('p7');
  });

  it('closes connections past maxConnections with 1013 "try again later"', async () => {
    const first = await connect(undefined, small.url);
    const extra = await TestSubscriptionClient.open(small.url);
    expect(await extra.closed).toEqual({ code: SubscriptionCloseCode.TooManyConnections, reason: 'Too many connections; try again later' });
    expect(first.isOpen).toBe(true);
  });
});
