/** Rate limits of the gateway (see rate-limits.ts); only these names are used outside this folder. */
export { RateLimits } from './rate-limits.js';
export { rateLimitPlugin, fastPathRefusal, RATE_LIMITED_STATUS } from './http.js';
export {
  DEFAULT_RATE_LIMITS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_ACCOUNT_MUTATIONS,
  rateLimitVariables,
  rateLimitSettings,
  rateLimitSettingsFromEnvironment,
  type RateLimitSettings,
  type Quota,
} from './settings.js';
export { addressKey, clientAddress } from './client-address.js';
