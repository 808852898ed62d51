/**
 * Every metric family the services export, in one list: the code registers each family from its
 * entry here (families.ts), docs/METRICS.md describes the same list, and a check of Prometheus
 * rules or dashboards can read it to know which names exist. Default process metrics
 * (`process_*`, `nodejs_*`) come from prom-client and are not listed.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';
/** Which processes export a family: `subgraph` is every subgraph (account, manufacturer, inventory, order). */
export type MetricSource = 'gateway' | 'subgraph' | 'inventory' | 'order';

export interface MetricFamily {
  name: string;
  type: MetricType;
  labels: readonly string[];
  help: string;
  exportedBy: readonly MetricSource[];
}

/** Seconds, for request-like durations: 1 ms to 10 s. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds, for waits that may last minutes (an event waiting in an outbox). */
export const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Events or requests in one batch. */
export const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export const METRIC_FAMILIES = [
  {
    name: 'graphql_request_duration_seconds',
    type: 'histogram',
    labels: ['operation', 'outcome'],
    help: 'GraphQL requests served, by operation name (a known client operation, else "other") and outcome (ok, refused, error)',
    exportedBy: ['gateway', 'subgraph'],
  },
  {
    name: 'gateway_subgraph_fetch_duration_seconds',
    type: 'histogram',
    labels: ['subgraph', 'outcome'],
    help: 'Calls from the gateway to a subgraph, by subgraph and outcome (ok, error, timeout, unavailable)',
    exportedBy: ['gateway'],
  },
  {
    name: 'gateway_subscription_connections',
    type: 'gauge',
    labels: [],
    help: 'graphql-ws client connections open on the gateway',
    exportedBy: ['gateway'],
  },
  {
    name: 'gateway_downstream_subscriptions',
    type: 'gauge',
    labels: [],
    help: 'Subscriptions clients hold on the gateway',
    exportedBy: ['gateway'],
  },
  {
    name: 'gateway_upstream_subscriptions',
    type: 'gauge',
    labels: [],
    help: 'Subscriptions the gateway holds open on subgraphs (shared between identical client subscriptions)',
    exportedBy: ['gateway'],
  },
  {
    name: 'gateway_subscription_events_total',
    type: 'counter',
    labels: ['subgraph'],
    help: 'Subscription events received from subgraphs',
    exportedBy: ['gateway'],
  },
  {
    name: 'gateway_subscription_events_delivered_total',
    type: 'counter',
    labels: [],
    help: 'Subscription events sent (or queued) to clients, one per client subscription that receives it',
    exportedBy: ['gateway'],
  },
  {
    name: 'gateway_subscription_slow_client_closes_total',
    type: 'counter',
    labels: [],
    help: 'Client connections closed because they read slower than their events arrived (close code 4490)',
    exportedBy: ['gateway'],
  },
  {
    name: 'event_consumer_backlog_events',
    type: 'gauge',
    labels: ['consumer'],
    help: 'Events on the bus a consumer has not applied yet (counted up to 100000)',
    exportedBy: ['subgraph'],
  },
  {
    name: 'event_consumer_oldest_unapplied_age_seconds',
    type: 'gauge',
    labels: ['consumer'],
    help: 'How long the oldest event a consumer has not applied has been on the bus; 0 when none waits',
    exportedBy: ['subgraph'],
  },
  {
    name: 'event_consumer_batch_size',
    type: 'histogram',
    labels: ['consumer'],
    help: 'Events a consumer applied in one transaction',
    exportedBy: ['subgraph'],
  },
  {
    name: 'event_consumer_parked_events',
    type: 'gauge',
    labels: ['consumer'],
    help: 'Events parked for a consumer now, waiting for an operator',
    exportedBy: ['subgraph'],
  },
  {
    name: 'event_consumer_parked_events_total',
    type: 'counter',
    labels: ['consumer'],
    help: 'Events this process parked (unreadable, or failing past their attempts) since it started',
    exportedBy: ['subgraph'],
  },
  {
    name: 'event_outbox_relay_lag_seconds',
    type: 'histogram',
    labels: [],
    help: 'How long the oldest event of each relayed batch waited in the outbox before it reached the bus',
    exportedBy: ['subgraph'],
  },
  {
    name: 'event_outbox_oldest_event_age_seconds',
    type: 'gauge',
    labels: [],
    help: 'Age of the oldest event still in the outbox; 0 when it is empty',
    exportedBy: ['subgraph'],
  },
  {
    name: 'inventory_reservation_outcomes_total',
    type: 'counter',
    labels: ['outcome'],
    help: 'Answers inventory gave to order requests, by outcome (reserved, rejected, released)',
    exportedBy: ['inventory'],
  },
  {
    name: 'inventory_reservation_batch_size',
    type: 'histogram',
    labels: [],
    help: 'Order requests (placements, cancellations, changes, overdue questions) decided in one reservation batch',
    exportedBy: ['inventory'],
  },
  {
    name: 'order_place_order_wait_seconds',
    type: 'histogram',
    labels: ['outcome'],
    help: "How long placeOrder waited for inventory's answer, by outcome (decided, pending: the wait ran out)",
    exportedBy: ['order'],
  },
  {
    name: 'db_pool_connections_in_use',
    type: 'gauge',
    labels: [],
    help: 'Database connections of the pool lent out now',
    exportedBy: ['subgraph'],
  },
  {
    name: 'db_pool_connections_idle',
    type: 'gauge',
    labels: [],
    help: 'Database connections of the pool open and free',
    exportedBy: ['subgraph'],
  },
  {
    name: 'db_pool_requests_waiting',
    type: 'gauge',
    labels: [],
    help: 'Requests waiting for a free database connection',
    exportedBy: ['subgraph'],
  },
  {
    name: 'subgraph_websocket_connections',
    type: 'gauge',
    labels: [],
    help: 'graphql-ws connections open on this subgraph (from gateways)',
    exportedBy: ['subgraph'],
  },
] as const satisfies readonly MetricFamily[];

export type MetricName = (typeof METRIC_FAMILIES)[number]['name'];

/** Every family name, for checks of rules and dashboards against what is exported. */
export const METRIC_NAMES: readonly MetricName[] = METRIC_FAMILIES.map((family) => family.name);

/** The families a process of `source` exports (a subgraph's source: `subgraph`, plus its own name). */
export function familiesOf(...sources: MetricSource[]): MetricFamily[] {
  return METRIC_FAMILIES.filter((family) => family.exportedBy.some((source) => sources.includes(source)));
}

export function familyNamed(name: MetricName): MetricFamily {
  return METRIC_FAMILIES.find((family) => family.name === name)!;
}
