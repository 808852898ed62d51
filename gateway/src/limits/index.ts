/** Operation limits (size, tokens, depth, aliases, root fields, directives, cost) shared by every path of the gateway. */
export { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './operation-limits.js';
export { OperationGuard, type OperationMeasures } from './operation-guard.js';
export { operationLimitsPlugin } from './apollo-plugin.js';
export { gatewayErrorFormatter } from './client-errors.js';
export { formatLimitError, hideSuggestions, type LimitName } from './limit-errors.js';
