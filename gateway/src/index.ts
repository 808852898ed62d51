/** Public surface of the gateway package. */
export { startGateway, GRAPHQL_PATH, type GatewaySettings, type RunningGateway } from './server.js';
export { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './limits/index.js';
export { composeSupergraph, CompositionError, SUBGRAPHS, type SubgraphSource } from './supergraph.js';
export { rateLimitSettingsFromEnvironment, type RateLimitSettings } from './rate-limits/index.js';
