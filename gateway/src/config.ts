/** Settings of the gateway, read from the environment. */
import { fileURLToPath } from 'node:url';
import { rateLimitSettings, rateLimitVariables } from './rate-limits/index.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@distribution/auth';
import { ConfigError, DEVELOPMENT_DEFAULTS, env, isProduction, loadConfig, logLevel } from '@distribution/config';
import { DEFAULT_OPERATION_LIMITS as LIMITS } from './limits/index.js';

export const configShape = {
  PORT: env.port(4000),
  // Tokens are verified against these keys; unset: the account service's (ACCOUNT_URL's /.well-known/jwks.json).
  JWKS_URL: env.optionalUrl(),
  // What tokens must say: an external identity provider has its own issuer, audience and role claim.
  JWT_ISSUER: env.text(TOKEN_ISSUER),
  JWT_AUDIENCE: env.text(TOKEN_AUDIENCE),
  JWT_ROLE_CLAIM: env.text('role'),
  INTERNAL_CREDENTIAL: env.secret(DEVELOPMENT_DEFAULTS.internalCredential),
  MANUFACTURER_URL: env.url().default('http://localhost:4001/graphql'),
  INVENTORY_URL: env.url().default('http://localhost:4002/graphql'),
  ORDER_URL: env.url().default('http://localhost:4003/graphql'),
  ACCOUNT_URL: env.url().default('http://localhost:4004/graphql'),
  // Resolved from this file, so the gateway finds it whatever the working directory.
  SUPERGRAPH_PATH: env.text(fileURLToPath(new URL('../supergraph.graphql', import.meta.url))),
  LOG_LEVEL: logLevel(),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: env.int(50, 1),
  MAX_CONNECTIONS: env.int(10000, 1),
  ...rateLimitVariables,
  // Prometheus scrapes here, never on the public port; `off` serves no metrics at all.
  METRICS_PORT: env.portOrOff(9464),
  // Web pages on these origins may call the API from a browser; unset: the live page in development, none in production.
  CORS_ORIGINS: env.origins(),
  // How long a subgraph may take to answer one call before its fields are null with SUBGRAPH_TIMEOUT.
  SUBGRAPH_TIMEOUT_MS: env.int(10_000, 1),
  // What one operation may ask (README, Security); the defaults are in limits/operation-limits.ts.
  MAX_DOCUMENT_BYTES: env.int(LIMITS.documentBytes, 1),
  MAX_TOKENS: env.int(LIMITS.tokens, 1),
  MAX_OPERATION_DEPTH: env.int(LIMITS.depth, 1),
  MAX_ALIASES: env.int(LIMITS.aliases, 0),
  MAX_ROOT_FIELDS: env.int(LIMITS.rootFields, 1),
  MAX_DIRECTIVES: env.int(LIMITS.directives, 0),
  MAX_OPERATION_COST: env.int(LIMITS.cost, 1),
  COST_UNPAGED_LIST_SIZE: env.int(LIMITS.unpagedListSize, 1),
};

/** Where the live page (client-examples/web) runs in development: allowed unless CORS_ORIGINS says otherwise. */
export const DEVELOPMENT_ORIGINS: readonly string[] = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** What a container deployment must set: the subgraph URLs have localhost defaults that are wrong anywhere but a laptop. */
export const productionVariables: string[] = ['INTERNAL_CREDENTIAL', 'MANUFACTURER_URL', 'INVENTORY_URL', 'ORDER_URL', 'ACCOUNT_URL'];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  const missing = isProduction(environment) ? productionVariables.filter((name) => !environment[name]) : [];
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required in production`));
  const c = loadConfig(configShape, environment);
  return {
    port: c.PORT,
    jwksUrl: c.JWKS_URL,
    tokenIssuer: c.JWT_ISSUER,
    tokenAudience: c.JWT_AUDIENCE,
    roleClaim: c.JWT_ROLE_CLAIM,
    internalCredential: c.INTERNAL_CREDENTIAL,
    manufacturerUrl: c.MANUFACTURER_URL,
    inventoryUrl: c.INVENTORY_URL,
    orderUrl: c.ORDER_URL,
    accountUrl: c.ACCOUNT_URL,
    supergraphPath: c.SUPERGRAPH_PATH,
    logLevel: c.LOG_LEVEL,
    maxSubscriptionsPerConnection: c.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    maxConnections: c.MAX_CONNECTIONS,
    ...rateLimitSettings(c),
    metricsPort: c.METRICS_PORT,
    corsOrigins: c.CORS_ORIGINS ?? (isProduction(environment) ? [] : [...DEVELOPMENT_ORIGINS]),
    subgraphTimeoutMs: c.SUBGRAPH_TIMEOUT_MS,
    operationLimits: {
      documentBytes: c.MAX_DOCUMENT_BYTES,
      tokens: c.MAX_TOKENS,
      depth: c.MAX_OPERATION_DEPTH,
      aliases: c.MAX_ALIASES,
      rootFields: c.MAX_ROOT_FIELDS,
      directives: c.MAX_DIRECTIVES,
      cost: c.MAX_OPERATION_COST,
      unpagedListSize: c.COST_UNPAGED_LIST_SIZE,
    },
  };
}
