/** Subscription counters for Prometheus (the metrics server's `GET /metrics`) and for tests (`subscriptionStats()`). */
import { Counter, Gauge, Registry } from 'prom-client';

export interface SubscriptionStats {
  /** Client sockets open on this process. */
  connections: number;
  /** Subscriptions clients hold. */
  downstreamSubscriptions: number;
  /** Subscriptions open on subgraphs; identical ones are shared, so this is at most downstreamSubscriptions. */
  upstreamSubscriptions: number;
  /** Events received from subgraphs since the process started. */
  events: number;
}

type LiveCounts = () => Omit<SubscriptionStats, 'events'>;

/** The gateway's own registry, so that tests starting several gateways in one process stay apart from prom-client's global one. */
export const metricsRegistry = new Registry();
const sources = new Set<LiveCounts>();
let events = 0;

const sum = (field: keyof Omit<SubscriptionStats, 'events'>) => [...sources].reduce((total, counts) => total + counts()[field], 0);

new Gauge({
  name: 'gateway_upstream_subscriptions',
  help: 'Subscriptions the gateway holds open on subgraphs (shared between identical client subscriptions)',
  registers: [metricsRegistry],
  collect() {
    this.set(sum('upstreamSubscriptions'));
  },
});
new Gauge({
  name: 'gateway_downstream_subscriptions',
  help: 'Subscriptions clients hold on the gateway',
  registers: [metricsRegistry],
  collect() {
    this.set(sum('downstreamSubscriptions'));
  },
});
new Gauge({
  name: 'gateway_subscription_connections',
  help: 'graphql-ws client connections open on the gateway',
  registers: [metricsRegistry],
  collect() {
    this.set(sum('connections'));
  },
});
const eventsTotal = new Counter({
  name: 'gateway_subscription_events_total',
  help: 'Subscription events received from subgraphs',
  labelNames: ['subgraph'],
  registers: [metricsRegistry],
});

const deliveredTotal = new Counter({
  name: 'gateway_subscription_events_delivered_total',
  help: 'Subscription events sent (or queued) to clients, one per client subscription that receives it',
  registers: [metricsRegistry],
});
const slowClientClosesTotal = new Counter({
  name: 'gateway_subscription_slow_client_closes_total',
  help: 'Client connections closed because they read slower than their events arrived (close code 4490)',
  registers: [metricsRegistry],
});

/** Counts one event handed to one client subscription. */
export function countDelivered(): void {
  deliveredTotal.inc();
}

/** Counts one client closed for being too slow. */
export function countSlowClientClose(): void {
  slowClientClosesTotal.inc();
}

/** Counts one event from a subgraph. */
export function countEvent(subgraph: string): void {
  events += 1;
  eventsTotal.inc({ subgraph });
}

/** Adds a running endpoint's live counts to the totals; returns the function that removes them. */
export function registerStatsSource(counts: LiveCounts): () => void {
  sources.add(counts);
  return () => void sources.delete(counts);
}

/** This process's subscription totals, read in-process (tests, diagnostics). */
export function subscriptionStats(): SubscriptionStats {
  return { connections: sum('connections'), downstreamSubscriptions: sum('downstreamSubscriptions'), upstreamSubscriptions: sum('upstreamSubscriptions'), events };
}
