/**
 * Metrics as Prometheus sees them: every service serves its families on a port of its own, and an
 * order placed through the gateway moves the counters and histograms of every service it touches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familiesOf, type MetricSource } from '@distribution/server/metrics';
import { operation } from '../../client-examples/operations/index.js';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { createProduct, openRound, registerCustomer, registerManufacturer, type Customer } from './scenario.js';
import { gatewayLiveClient } from './live-client.js';
import { scrape, type Scrape } from './prometheus-text.js';

const SERVICES = ['gateway', 'manufacturer', 'inventory', 'order', 'account'] as const;
type Service = (typeof SERVICES)[number];
const sourcesOf = (service: Service): MetricSource[] => (service === 'gateway' ? ['gateway'] : ['subgraph', service as MetricSource]);

describe('metrics on every service', () => {
  let net: TestNetwork;
  let tea: string;
  let alice: Customer;
  const scrapeOf = (service: Service) => scrape(net.metricsUrls[service]!);
  const scrapeAll = async () => Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await scrapeOf(s)] as const))) as Record<Service, Scrape>;

  beforeAll(async () => {
    net = await startTestNetwork({ placeOrderWaitMs: 10_000 });
    const acme = await registerManufacturer(net, 'Acme Teas');
    tea = await createProduct(net, acme, { supply: 100, category: 'tea', price: '4.00' });
    await openRound(net);
    alice = await registerCustomer(net, 'alice');
  });
  afterAll(async () => net?.close());

  it.each(SERVICES)('%s serves each of its families, named and typed as the catalog says, and the process metrics', async (service) => {
    const url = net.metricsUrls[service];
    expect(url).toMatch(/^http:\/\/localhost:\d+\/metrics$/);
    // Its own port, never the public one.
    const publicPort = new URL(service === 'gateway' ? net.gatewayUrl : net.services[service].url).port;
    expect(new URL(url!).port).not.toBe(publicPort);
    const { types, help } = await scrapeOf(service);
    for (const family of familiesOf(...sourcesOf(service))) {
      expect(types.get(family.name), family.name).toBe(family.type);
      expect(help.get(family.name), family.name).toBe(family.help);
    }
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    // Inventory's and order's own families stay with them.
    if (service !== 'inventory') expect(types.has('inventory_reservation_outcomes_total')).toBe(false);
    if (service !== 'order') expect(types.has('order_place_order_wait_seconds')).toBe(false);
  });

  it('an order placed through the gateway moves the metrics of the gateway, order and inventory', async () => {
    const live = gatewayLiveClient(net.gatewayUrl);
    try {
      const watch = live.watch('subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { available } }', { ids: [tea] });
      expect((await watch.next('availabilityChanged')).available).toBe(100);
      const before = await scrapeAll();

      const answer = await net.as(alice.token)(operation('PlaceOrder'), { lines: [{ productId: tea, quantity: 2 }], idempotencyKey: `metrics-${Date.now()}` });
      expect(answer.data.placeOrder).toMatchObject({ __typename: 'Order', status: 'CONFIRMED' });
      expect((await watch.next('availabilityChanged')).available).toBe(98);

      const after = await scrapeAll();
      const moved = (service: Service, name: string, labels: Record<string, string> = {}) => after[service].value(name, labels) - before[service].value(name, labels);

      // The gateway: the request by its client operation name, and its calls to the order subgraph.
      expect(moved('gateway', 'graphql_request_duration_seconds_count', { operation: 'PlaceOrder', outcome: 'ok' })).toBe(1);
      expect(moved('gateway', 'graphql_request_duration_seconds_sum', { operation: 'PlaceOrder' })).toBeGreaterThan(0);
      expect(moved('gateway', 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'order', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(moved('gateway', 'gateway_subscription_events_total', { subgraph: 'inventory' })).toBeGreaterThanOrEqual(1);
      expect(moved('gateway', 'gateway_subscription_events_delivered_total')).toBeGreaterThanOrEqual(1);
      expect(after.gateway.value('gateway_downstream_subscriptions')).toBeGreaterThanOrEqual(1);

      // Order: its part of the plan is counted under the client's operation; it waited for inventory's answer, and relayed OrderPlaced.
      expect(moved('order', 'graphql_request_duration_seconds_count', { operation: 'PlaceOrder', outcome: 'ok' })).toBe(1);
      expect(moved('order', 'order_place_order_wait_seconds_count', { outcome: 'decided' })).toBe(1);
      expect(moved('order', 'event_outbox_relay_lag_seconds_count')).toBeGreaterThanOrEqual(1);

      // Inventory: one reservation, in a batch its consumer applied, and the outcome relayed.
      expect(moved('inventory', 'inventory_reservation_outcomes_total', { outcome: 'reserved' })).toBe(1);
      expect(moved('inventory', 'inventory_reservation_batch_size_count')).toBeGreaterThanOrEqual(1);
      expect(moved('inventory', 'event_consumer_batch_size_count', { consumer: 'inventory.orders' })).toBeGreaterThanOrEqual(1);
      expect(moved('inventory', 'event_outbox_relay_lag_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(after.inventory.samples.some((s) => s.name === 'event_consumer_backlog_events' && s.labels.consumer === 'inventory.orders')).toBe(true);

      // Order applies StockReserved in its own consumer (placeOrder may have answered from the notification first).
      await eventually(
        async () =>
          (await scrapeOf('order')).value('event_consumer_batch_size_count', { consumer: 'order.outcomes' }) >
          before.order.value('event_consumer_batch_size_count', { consumer: 'order.outcomes' }),
      );
      // Nothing is left waiting once it is all applied.
      await eventually(async () => (await scrapeOf('inventory')).value('event_consumer_backlog_events', { consumer: 'inventory.orders' }) === 0);
    } finally {
      await live.close();
    }
  });

  it('counts every subgraph pool, and a name outside the client operations as "other"', async () => {
    for (const service of ['manufacturer', 'inventory', 'order', 'account'] as const) {
      const scraped = await scrapeOf(service);
      expect(scraped.value('db_pool_connections_in_use') + scraped.value('db_pool_connections_idle'), service).toBeGreaterThan(0);
      expect(
        scraped.samples.some((s) => s.name === 'db_pool_requests_waiting'),
        service,
      ).toBe(true);
    }
    const before = await scrapeOf('gateway');
    const name = `Probe${Date.now()}`;
    await net.as()(`query ${name} { currentRound { number } }`);
    await net.as()('{ nothingHere }');
    const after = await scrapeOf('gateway');
    expect(after.samples.some((s) => s.labels.operation === name)).toBe(false);
    expect(
      after.value('graphql_request_duration_seconds_count', { operation: 'other', outcome: 'ok' }) -
        before.value('graphql_request_duration_seconds_count', { operation: 'other', outcome: 'ok' }),
    ).toBe(1);
    // An operation the schema refuses is the caller's fault: refused, not error.
    expect(
      after.value('graphql_request_duration_seconds_count', { operation: 'anonymous', outcome: 'refused' }) -
        before.value('graphql_request_duration_seconds_count', { operation: 'anonymous', outcome: 'refused' }),
    ).toBe(1);
  });
});
