/** How hard the gateway limits account mutations and WebSocket connections, read from the environment. */
import { env, loadConfig, z } from '@distribution/config';

/** So many points per so many seconds. */
export interface Quota {
  points: number;
  durationSeconds: number;
}

export interface RateLimitSettings {
  /**
   * Root mutation fields that create or prove an account; each occurrence in an operation costs a
   * point of both quotas below. Named, so that `signIn`, `refreshSession`, `changePassword` join by config.
   */
  accountMutations: readonly string[];
  /** Account mutations per client address. */
  accountPerAddress: Quota;
  /** Account mutations per identity: the signed-in caller, or the account (`input.email`) an anonymous caller names. */
  accountPerIdentity: Quota;
  /** New WebSocket connections per client address (the number open at once is MAX_CONNECTIONS_PER_ADDRESS). */
  connectionsPerAddress: Quota;
  /** Proxies in front of the gateway whose X-Forwarded-For is believed; 0 uses the socket's address. */
  trustedProxies: number;
  /** Counts shared between gateway replicas through this Redis; unset keeps them in this process. */
  redisUrl?: string;
  /** Prefix of every key in Redis: one per deployment sharing a Redis (and per test). */
  keyPrefix: string;
}

export const DEFAULT_ACCOUNT_MUTATIONS: readonly string[] = ['registerCustomer', 'registerManufacturer', 'signIn', 'refreshSession', 'changePassword'];

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  accountMutations: DEFAULT_ACCOUNT_MUTATIONS,
  accountPerAddress: { points: 10, durationSeconds: 60 },
  accountPerIdentity: { points: 5, durationSeconds: 60 },
  connectionsPerAddress: { points: 120, durationSeconds: 60 },
  trustedProxies: 0,
  keyPrefix: 'gateway-limits',
};

export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 100;

const names = z
  .string()
  .default(DEFAULT_ACCOUNT_MUTATIONS.join(','))
  .transform((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a comma-separated list of mutation field names')));

/** The environment variables, for the gateway's config shape. */
export const rateLimitVariables = {
  ACCOUNT_MUTATIONS: names,
  ACCOUNT_LIMIT_PER_ADDRESS: env.int(DEFAULT_RATE_LIMITS.accountPerAddress.points, 1),
  ACCOUNT_LIMIT_PER_IDENTITY: env.int(DEFAULT_RATE_LIMITS.accountPerIdentity.points, 1),
  ACCOUNT_LIMIT_WINDOW_SECONDS: env.int(DEFAULT_RATE_LIMITS.accountPerAddress.durationSeconds, 1),
  NEW_CONNECTIONS_PER_ADDRESS: env.int(DEFAULT_RATE_LIMITS.connectionsPerAddress.points, 1),
  NEW_CONNECTIONS_WINDOW_SECONDS: env.int(DEFAULT_RATE_LIMITS.connectionsPerAddress.durationSeconds, 1),
  MAX_CONNECTIONS_PER_ADDRESS: env.int(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1),
  TRUST_PROXY: env.int(0, 0),
  REDIS_URL: env.optionalUrl(),
  RATE_LIMIT_KEY_PREFIX: env.text(DEFAULT_RATE_LIMITS.keyPrefix),
};

type Variables = z.infer<z.ZodObject<typeof rateLimitVariables>>;

/** The settings from checked variables (loadServiceConfig has checked them with the rest). */
export function rateLimitSettings(c: Variables): { rateLimits: RateLimitSettings; maxConnectionsPerAddress: number } {
  const window = c.ACCOUNT_LIMIT_WINDOW_SECONDS;
  return {
    rateLimits: {
      accountMutations: c.ACCOUNT_MUTATIONS,
      accountPerAddress: { points: c.ACCOUNT_LIMIT_PER_ADDRESS, durationSeconds: window },
      accountPerIdentity: { points: c.ACCOUNT_LIMIT_PER_IDENTITY, durationSeconds: window },
      connectionsPerAddress: { points: c.NEW_CONNECTIONS_PER_ADDRESS, durationSeconds: c.NEW_CONNECTIONS_WINDOW_SECONDS },
      trustedProxies: c.TRUST_PROXY,
      redisUrl: c.REDIS_URL,
      keyPrefix: c.RATE_LIMIT_KEY_PREFIX,
    },
    maxConnectionsPerAddress: c.MAX_CONNECTIONS_PER_ADDRESS,
  };
}

/** The same settings straight from an environment (`npm start` runs the gateway without its config loader). */
export function rateLimitSettingsFromEnvironment(environment: NodeJS.ProcessEnv = process.env) {
  return rateLimitSettings(loadConfig(rateLimitVariables, environment));
}
