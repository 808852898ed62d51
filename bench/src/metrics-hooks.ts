/**
 * `npx tsx bench/src/metrics-hooks.ts`: what the metric hooks add to one request, metrics on
 * against metrics off (the no-op hooks METRICS_PORT=off installs), in this process alone.
 *   gateway request   one graphql_request_duration_seconds observation (operation label looked up
 *                     in the safelist, outcome classified) and two subgraph fetch observations, as a
 *                     federated query across two subgraphs records them
 *   placeOrder        what the order and inventory services record for one order: the subgraph
 *                     request, the placeOrder wait, two bus batches and one relay on each side, one
 *                     reservation batch
 * Each figure is the median of 7 runs of 200,000 requests (min and max beside it); the machine's
 * load is printed, since on a shared machine only the difference within one run means anything.
 */
import { loadavg } from 'node:os';
import { createServiceMetrics, graphqlRequestDurations, requestOutcome, subgraphFetchDurations, createMetricsRegistry, NO_METRICS } from '@distribution/server/metrics';

const REQUESTS = 200_000;
const RUNS = 7;

function nanosecondsPerRequest(request: (i: number) => void): { median: number; min: number; max: number } {
  for (let i = 0; i < 20_000; i += 1) request(i); // warm-up: JIT and every label set seen once
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < REQUESTS; i += 1) request(i);
    runs.push(Number(process.hrtime.bigint() - started) / REQUESTS);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[Math.floor(RUNS / 2)]!, min: runs[0]!, max: runs[RUNS - 1]! };
}

const registry = createMetricsRegistry();
const observeRequest = graphqlRequestDurations(registry);
const observeFetch = subgraphFetchDurations(registry);
const nothing = () => {};
const gatewayHooks = (request: typeof observeRequest, fetch: typeof observeFetch) => (i: number) => {
  request(i % 3 === 0 ? 'Offers' : 'PlaceOrder', requestOutcome(undefined, 200), 0.004);
  fetch('order', 'ok', 0.002);
  fetch('inventory', 'ok', 0.001);
};

const on = createServiceMetrics(['inventory', 'order']);
const decided = [{ kind: 'RESERVED' as const }];
const placeOrderHooks = (metrics: typeof on) => () => {
  metrics.graphqlRequest('PlaceOrder__order__0', 'ok', 0.01);
  metrics.placeOrderWait(0.008, true);
  metrics.bus.relayed(0.002);
  metrics.bus.batchApplied('inventory.orders', 1);
  metrics.reservationBatch(1, decided);
  metrics.bus.relayed(0.002);
  metrics.bus.batchApplied('order.outcomes', 1);
};

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const show = (name: string, figures: { median: number; min: number; max: number }) =>
  console.log(`${name.padEnd(28)} ${figures.median.toFixed(0).padStart(6)} ns  (min ${figures.min.toFixed(0)}, max ${figures.max.toFixed(0)})`);

console.log(`load at start: ${load()}; ${RUNS} runs of ${REQUESTS} requests each`);
show('gateway request, off', nanosecondsPerRequest(gatewayHooks(nothing, nothing)));
show('gateway request, on', nanosecondsPerRequest(gatewayHooks(observeRequest, observeFetch)));
show('placeOrder (order+inv), off', nanosecondsPerRequest(placeOrderHooks(NO_METRICS)));
show('placeOrder (order+inv), on', nanosecondsPerRequest(placeOrderHooks(on)));
const started = performance.now();
const text = await registry.metrics();
console.log(`one scrape of the gateway families: ${(performance.now() - started).toFixed(1)} ms, ${text.length} bytes`);
console.log(`load at end: ${load()}`);
