/** Federated subscriptions over graphql-ws (see PROTOCOL.md); only these names are used outside this folder. */
export { attachSubscriptions, DEFAULT_TUNING, type SubscriptionEndpoint, type SubscriptionOptions, type SubscriptionTuning } from './server.js';
export { SubscriptionCloseCode, CloseReason } from './close-codes.js';
export { DEFAULT_FIELD_POLICIES, type FieldPolicy } from './field-policies.js';
export { metricsRegistry, subscriptionStats, type SubscriptionStats } from './metrics.js';
