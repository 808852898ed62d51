/**
 * Live updates when inventory runs as two replicas, when it loses its LISTEN connection and when it
 * goes away: subscribers never hang silently, and never keep showing stock that changed while they
 * could not hear of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { startInventoryService } from '@distribution/inventory';
import { createLogger } from '@distribution/logging';
import { duringListenOutage } from '@distribution/testkit';
import type { RunningService } from '@distribution/server';
import { startGateway, type RunningGateway } from '../../gateway/src/index.js';
import type { SubscriptionTuning } from '../../gateway/src/subscriptions/index.js';
import { SUPERGRAPH_PATH } from '../../scripts/local-network.js';
import { liveSubscriptionsOf } from '../../subgraphs/inventory/src/live/live-feed.js';
import { startTestNetwork, eventually, manufacturerIdentity, operator, type TestNetwork } from './network.js';
import { createProduct, openRound, placeOrder, registerCustomer, registerManufacturer, type Customer } from './scenario.js';
import { gatewayLiveClient, type LiveClient } from './live-client.js';

const AVAILABILITY = 'subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { available lowStockThreshold product { id name } } }';
const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent';

describe('live updates across inventory replicas and outages', () => {
  let net: TestNetwork;
  let maker: string;
  let tea: string;
  let alice: Customer;
  let replica: RunningService;
  const started: RunningService[] = [];
  const gateways: RunningGateway[] = [];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    net = await startTestNetwork({ placeOrderWaitMs: 10_000 });
    maker = await registerManufacturer(net, 'Acme Teas');
    await createProduct(net, maker, { supply: 1_000_000, category: 'filler' });
    tea = await createProduct(net, maker, { supply: 100, category: 'tea', price: '4.00' });
    await openRound(net);
    alice = await registerCustomer(net, 'alice');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await Promise.all(started.map((service) => service.stop()));
    await net?.close();
  });

  /** Another inventory process on the network's database (a replica, or the same one restarted on its port). */
  async function startInventory(port = 0): Promise<RunningService> {
    const service = await startInventoryService({
      databaseUrl: net.databaseUrl,
      port,
      internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
      logger: createLogger('inventory-2', logLevel),
      eventPollIntervalMs: 200,
    });
    started.push(service);
    return service;
  }

  /** Another gateway on the same subgraphs (inventory at `inventoryUrl`), with its own subscription tuning. */
  async function startOtherGateway(inventoryUrl: string, tuning: Partial<SubscriptionTuning> = {}): Promise<RunningGateway> {
    const gateway = await startGateway(
      {
        port: 0,
        internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
        manufacturerUrl: net.services.manufacturer.url,
        inventoryUrl,
        orderUrl: net.services.order.url,
        accountUrl: net.services.account.url,
        supergraphPath: SUPERGRAPH_PATH,
        maxConnections: 100,
        maxSubscriptionsPerConnection: 10,
      },
      { logger: createLogger('gateway-2', logLevel), subscriptionTuning: tuning },
    );
    gateways.push(gateway);
    return gateway;
  }

  const watchThrough = (gatewayUrl: string) => {
    const client = gatewayLiveClient(gatewayUrl);
    clients.push(client);
    return client.watch(AVAILABILITY, { ids: [tea] });
  };

  it('the database connection LISTENing is lost: a change made meanwhile still arrives, and a depletion subscription ends coded (LIVE_UPDATES_INTERRUPTED)', async () => {
    const client = gatewayLiveClient(net.gatewayUrl);
    clients.push(client);
    const stock = client.watch(AVAILABILITY, { ids: [tea] });
    const depletions = client.watch('subscription { stockDepleted { product { id } } }');
    expect(await stock.next('availabilityChanged')).toMatchObject({ available: 100, product: { id: tea } });
    const setThreshold = async (threshold: number) => {
      const set = await net.as(manufacturerIdentity(maker))('mutation($id: ID!, $t: Int!) { setLowStockThreshold(productId: $id, threshold: $t) { lowStockThreshold } }', {
        id: tea,
        t: threshold,
      });
      expect(set.errors).toBeUndefined();
    };
    // Once before, so that the one in the gap is quick (the gateway has planned it): the listeners reconnect within a moment.
    await setThreshold(11);
    expect(await stock.next('availabilityChanged')).toMatchObject({ lowStockThreshold: 11 });
    // A notice subscription sends nothing first: wait until inventory has registered both.
    await eventually(() => liveSubscriptionsOf(net.services.inventory) >= 2);
    await duringListenOutage(net.databaseUrl, () => setThreshold(12));
    expect(await stock.next('availabilityChanged')).toMatchObject({ available: 100, lowStockThreshold: 12, product: { id: tea } });
    expect(await depletions.refusal()).toEqual(['LIVE_UPDATES_INTERRUPTED']);
  });

  it('two inventory replicas: a change committed through one reaches subscribers connected through the other', async () => {
    replica = await startInventory();
    const viaReplica = await startOtherGateway(replica.url);
    const onReplica = watchThrough(viaReplica.url);
    const onPrimary = watchThrough(net.gatewayUrl);
    expect(await onReplica.next('availabilityChanged')).toMatchObject({ available: 100, product: { id: tea } });
    expect(await onPrimary.next('availabilityChanged')).toMatchObject({ available: 100 });

    // Committed by the primary inventory (the network's gateway routes there)...
    const set = await net.as(manufacturerIdentity(maker))('mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 9) { lowStockThreshold } }', { id: tea });
    expect(set.errors).toBeUndefined();
    expect(await onReplica.next('availabilityChanged')).toMatchObject({ available: 100, lowStockThreshold: 9 });
    expect(await onPrimary.next('availabilityChanged')).toMatchObject({ lowStockThreshold: 9 });
    // ...and by the replica (through the other gateway).
    const token = await net.tokenFor(operator);
    const back = await fetch(viaReplica.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 4) { lowStockThreshold } }', variables: { id: tea } }),
    });
    expect((await back.json()).errors).toBeUndefined();
    expect(await onPrimary.next('availabilityChanged')).toMatchObject({ lowStockThreshold: 4 });
    expect(await onReplica.next('availabilityChanged')).toMatchObject({ lowStockThreshold: 4 });
    // A reservation, taken by whichever replica's consumer got the batch, reaches both.
    await placeOrder(net, alice, [{ productId: tea, quantity: 5 }]);
    expect(await onPrimary.next('availabilityChanged')).toMatchObject({ available: 95 });
    expect(await onReplica.next('availabilityChanged')).toMatchObject({ available: 95 });
  });

  it('inventory restarted on its port during a subscription: the stream recovers, starting with a fresh snapshot', async () => {
    const patient = await startOtherGateway(net.services.inventory.url, { upstreamUnavailableAfterMs: 20_000, upstreamRetryDelayMs: { min: 50, max: 200 } });
    const watch = watchThrough(patient.url);
    // What is available now, read from the database rather than carried over from the tests before.
    const availableNow = async (): Promise<number> =>
      (await net.sql('SELECT on_hand - reserved AS available FROM inventory.stock_item WHERE product_id = $1', [tea]))[0]?.available;
    const before = await availableNow();
    expect(await watch.next('availabilityChanged')).toMatchObject({ available: before });

    const port = net.services.inventory.port;
    await net.services.inventory.stop();
    // While it is down, the manufacturer produces more and the replica takes it into stock: the stopped process never hears of it.
    await net.as(manufacturerIdentity(maker))('mutation($id: ID!) { produce(productId: $id, quantity: 7) { supply } }', { id: tea });
    await eventually(async () => (await availableNow()) === before + 7);
    await watch.quietFor(300);
    await startInventory(port);

    // Nothing changes after the restart: what arrives is the restarted subgraph's snapshot, with what was missed.
    expect(await watch.next('availabilityChanged', 15_000)).toMatchObject({ available: before + 7, product: { id: tea } });
    await replica.stop(); // from here on, the restarted primary is the only inventory
  });

  it('inventory gone for good during a subscription: a coded error (SUBGRAPH_UNAVAILABLE), never a silent hang', async () => {
    const inventory = started.at(-1)!; // the restarted primary
    const impatient = await startOtherGateway(inventory.url, { upstreamUnavailableAfterMs: 1500, upstreamRetryDelayMs: { min: 50, max: 200 } });
    const watch = watchThrough(impatient.url);
    expect(await watch.next('availabilityChanged')).toMatchObject({ product: { id: tea } });
    await inventory.stop();
    // Told within a bounded wait (the gateway gives up after 1.5 s without it), not left hanging.
    expect(await watch.refusal(10_000)).toEqual(['SUBGRAPH_UNAVAILABLE']);
  });
});
