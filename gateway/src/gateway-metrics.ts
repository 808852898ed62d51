/** The gateway's metrics: requests by operation and outcome, and its calls to subgraphs; no-ops when metrics are off. */
import { Registry } from 'prom-client';
import { createMetricsRegistry, graphqlRequestDurations, subgraphFetchDurations, type RequestOutcome, type SubgraphFetchOutcome } from '@distribution/server/metrics';
import { metricsRegistry as subscriptionRegistry } from './subscriptions/index.js';

export interface GatewayMetrics {
  /** What the metrics port serves; null when metrics are off. */
  readonly registry: Registry | null;
  request(operationName: string | null | undefined, outcome: RequestOutcome, seconds: number): void;
  subgraphFetch(subgraph: string, outcome: SubgraphFetchOutcome, seconds: number): void;
}

const nothing = () => {};
export const NO_GATEWAY_METRICS: GatewayMetrics = { registry: null, request: nothing, subgraphFetch: nothing };

/** One per gateway: its own request families and process metrics, served with the subscription gauges (one registry per process, shared by every gateway in it). */
export function createGatewayMetrics(): GatewayMetrics {
  const own = createMetricsRegistry();
  const request = graphqlRequestDurations(own);
  const subgraphFetch = subgraphFetchDurations(own);
  // merge copies the families registered so far: every one is registered above.
  return { registry: Registry.merge([own, subscriptionRegistry]), request, subgraphFetch };
}
