/** One function per metric family: each registers its family (as catalog.ts describes it) on a registry and returns what the services call. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BATCH_BUCKETS, DURATION_BUCKETS, LAG_BUCKETS, familyNamed, type MetricName } from './catalog.js';
import { operationLabel, type RequestOutcome } from './labels.js';

/** A registry of its own (never prom-client's global one), with the default process metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

const describe = (name: MetricName) => {
  const family = familyNamed(name);
  return { name: family.name, help: family.help, labelNames: [...family.labels] };
};
const histogram = (registry: Registry, name: MetricName, buckets: number[]) => new Histogram({ ...describe(name), buckets, registers: [registry] });
const counter = (registry: Registry, name: MetricName) => new Counter({ ...describe(name), registers: [registry] });
/** A gauge read when scraped: `read` gives its value per label set (`''` keys the unlabelled value). */
const gaugeOf = (registry: Registry, name: MetricName, read: () => Promise<Array<[Record<string, string>, number]>> | Array<[Record<string, string>, number]>) =>
  new Gauge({
    ...describe(name),
    registers: [registry],
    async collect() {
      const values = await read();
      this.reset();
      for (const [labels, value] of values) this.set(labels, value);
    },
  });

/** graphql_request_duration_seconds: call once per request, with its operation name as the client sent it. */
export function graphqlRequestDurations(registry: Registry) {
  const family = histogram(registry, 'graphql_request_duration_seconds', DURATION_BUCKETS);
  return (operationName: string | null | undefined, outcome: RequestOutcome, seconds: number) => family.observe({ operation: operationLabel(operationName), outcome }, seconds);
}

export type SubgraphFetchOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';

/** gateway_subgraph_fetch_duration_seconds: one call per call to a subgraph. */
export function subgraphFetchDurations(registry: Registry) {
  const family = histogram(registry, 'gateway_subgraph_fetch_duration_seconds', DURATION_BUCKETS);
  return (subgraph: string, outcome: SubgraphFetchOutcome, seconds: number) => family.observe({ subgraph, outcome }, seconds);
}

/** event_consumer_batch_size. */
export function consumerBatchSizes(registry: Registry) {
  const family = histogram(registry, 'event_consumer_batch_size', BATCH_BUCKETS);
  return (consumer: string, events: number) => family.observe({ consumer }, events);
}

/** event_consumer_parked_events_total. */
export function parkedEventCounts(registry: Registry) {
  const family = counter(registry, 'event_consumer_parked_events_total');
  return (consumer: string, events: number) => family.inc({ consumer }, events);
}

/** event_outbox_relay_lag_seconds. */
export function outboxRelayLags(registry: Registry) {
  const family = histogram(registry, 'event_outbox_relay_lag_seconds', LAG_BUCKETS);
  return (seconds: number) => family.observe(Math.max(0, seconds));
}

export interface ConsumerState {
  consumer: string;
  backlog: number;
  oldestUnappliedAgeSeconds: number | null;
  parked: number;
}

/**
 * event_consumer_backlog_events, event_consumer_oldest_unapplied_age_seconds and
 * event_consumer_parked_events, read from the database when scraped (one read serves the three).
 */
export function consumerStates(registry: Registry, read: () => Promise<ConsumerState[]>) {
  const sharedRead = sharedPerScrape(read);
  gaugeOf(registry, 'event_consumer_backlog_events', async () => (await sharedRead()).map((s) => [{ consumer: s.consumer }, s.backlog]));
  gaugeOf(registry, 'event_consumer_oldest_unapplied_age_seconds', async () =>
    (await sharedRead()).map((s) => [{ consumer: s.consumer }, Math.max(0, s.oldestUnappliedAgeSeconds ?? 0)]),
  );
  gaugeOf(registry, 'event_consumer_parked_events', async () => (await sharedRead()).map((s) => [{ consumer: s.consumer }, s.parked]));
}

/** event_outbox_oldest_event_age_seconds, read when scraped. */
export function outboxAge(registry: Registry, read: () => Promise<number | null>) {
  gaugeOf(registry, 'event_outbox_oldest_event_age_seconds', async () => [[{}, Math.max(0, (await read()) ?? 0)]]);
}

export interface PoolState {
  inUse: number;
  idle: number;
  waiting: number;
}

/** db_pool_connections_in_use, db_pool_connections_idle, db_pool_requests_waiting, read when scraped. */
export function poolStates(registry: Registry, read: () => PoolState) {
  gaugeOf(registry, 'db_pool_connections_in_use', () => [[{}, read().inUse]]);
  gaugeOf(registry, 'db_pool_connections_idle', () => [[{}, read().idle]]);
  gaugeOf(registry, 'db_pool_requests_waiting', () => [[{}, read().waiting]]);
}

/** subgraph_websocket_connections, read when scraped. */
export function subgraphWebSocketConnections(registry: Registry, read: () => number) {
  gaugeOf(registry, 'subgraph_websocket_connections', () => [[{}, read()]]);
}

export type ReservationOutcome = 'reserved' | 'rejected' | 'released';

/** inventory_reservation_outcomes_total and inventory_reservation_batch_size: one call per applied batch. */
export function reservationBatches(registry: Registry) {
  const outcomes = counter(registry, 'inventory_reservation_outcomes_total');
  const sizes = histogram(registry, 'inventory_reservation_batch_size', BATCH_BUCKETS);
  return (requests: number, decided: ReadonlyArray<{ kind: 'RESERVED' | 'REJECTED' | 'RELEASED' }>) => {
    sizes.observe(requests);
    const counts = { reserved: 0, rejected: 0, released: 0 };
    for (const { kind } of decided) counts[kind.toLowerCase() as ReservationOutcome] += 1;
    for (const outcome of ['reserved', 'rejected', 'released'] as const) if (counts[outcome] > 0) outcomes.inc({ outcome }, counts[outcome]);
  };
}

/** order_place_order_wait_seconds: `decided` false when the wait ran out and the order was answered PENDING. */
export function placeOrderWaits(registry: Registry) {
  const family = histogram(registry, 'order_place_order_wait_seconds', DURATION_BUCKETS);
  return (seconds: number, decided: boolean) => family.observe({ outcome: decided ? 'decided' : 'pending' }, seconds);
}

/**
 * One read shared by the gauges of one scrape: prom-client collects every family of a scrape at
 * once, so the first gauge's read is handed to the others instead of asking the database again.
 */
function sharedPerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | null = null;
  return () => {
    if (!current) {
      current = read();
      const forget = () => void (current = null);
      current.then(forget, forget);
    }
    return current;
  };
}
