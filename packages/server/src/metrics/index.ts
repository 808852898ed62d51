/** Prometheus metrics shared by every service: the catalog of families, their registration, and the bounded labels. */
export { METRIC_FAMILIES, METRIC_NAMES, familiesOf, type MetricFamily, type MetricName, type MetricSource, type MetricType } from './catalog.js';
export { KNOWN_OPERATIONS, operationLabel, requestOutcome, ANONYMOUS_OPERATION, OTHER_OPERATION, type RequestOutcome } from './labels.js';
export { createMetricsRegistry, graphqlRequestDurations, subgraphFetchDurations, type SubgraphFetchOutcome } from './families.js';
export { createServiceMetrics, NO_METRICS, type ServiceMetrics } from './service-metrics.js';
export { requestMetricsPlugin, type RequestObserver } from './request-plugin.js';
