/** Settings of the order subgraph, read from the environment. */
import { ConfigError, DEVELOPMENT_DEFAULTS, env, isProduction, loadConfig, z } from '@distribution/config';

export const configShape = {
  PORT: env.port(4003),
  // Unset means an embedded Postgres (development only).
  DATABASE_URL: env.optionalUrl(),
  INTERNAL_CREDENTIAL: env.secret(DEVELOPMENT_DEFAULTS.internalCredential),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EVENT_BATCH_SIZE: env.int(100, 1),
  EVENT_POLL_INTERVAL_MS: env.int(500, 1),
  // Signs the token returned by registerCustomer: must be the secret the gateway verifies with.
  JWT_SECRET: env.secret(DEVELOPMENT_DEFAULTS.jwtSecret),
  // How long placeOrder waits for inventory's answer before it returns the order as PENDING.
  PLACE_ORDER_WAIT_MS: env.int(5000),
};

/** What a container deployment must set: in production no embedded database and no development secret. */
export const productionVariables: string[] = ['DATABASE_URL', 'INTERNAL_CREDENTIAL', 'JWT_SECRET'];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  const missing = isProduction(environment) ? productionVariables.filter((name) => !environment[name]) : [];
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required in production`));
  const c = loadConfig(configShape, environment);
  return {
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    internalCredential: c.INTERNAL_CREDENTIAL,
    logLevel: c.LOG_LEVEL,
    eventBatchSize: c.EVENT_BATCH_SIZE,
    eventPollIntervalMs: c.EVENT_POLL_INTERVAL_MS,
    jwtSecret: c.JWT_SECRET,
    placeOrderWaitMs: c.PLACE_ORDER_WAIT_MS,
  };
}

export type OrderConfig = ReturnType<typeof loadServiceConfig>;
