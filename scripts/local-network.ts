/**
 * The whole network in one process: four subgraphs and the gateway on one database.
 * Used by `npm start` and by the end-to-end tests (with port 0 everywhere).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '@distribution/logging';
import { DEVELOPMENT_DEFAULTS, type EventTransportSettings } from '@distribution/config';
import { KeyRing, generateSigningKey, type Identity, type SigningKey, type TokenSigner } from '@distribution/auth';
import { startAccountService, type FirstOperator, type RunningAccountService } from '@distribution/account';
import { startManufacturerService } from '@distribution/manufacturer';
import { startInventoryService } from '@distribution/inventory';
import { startOrderService } from '@distribution/order';
import { rateLimitSettingsFromEnvironment, startGateway, type OperationLimits, type RateLimitSettings } from '@distribution/gateway';
import type { RunningService } from '@distribution/server';
import type { DatabaseTimeouts } from '@distribution/db';

export const SUPERGRAPH_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../gateway/supergraph.graphql');

export interface LocalNetworkOptions {
  databaseUrl: string;
  /** 0 everywhere picks free ports (tests). */
  ports?: { gateway: number; manufacturer: number; inventory: number; order: number; account?: number };
  /** The account service's signing keys (the first signs); unset: a fresh key for this network alone. */
  signingKeys?: SigningKey[];
  /** Access token lifetime in seconds (default 15 minutes). */
  accessTokenSeconds?: number;
  /** The operator account created on first start, when there is none. */
  firstOperator?: FirstOperator;
  /** The gateway verifies tokens with this JWKS (an identity provider's) instead of the account service's. */
  jwksUrl?: string;
  /** What the gateway expects of tokens from that identity provider. */
  token?: { issuer?: string; audience?: string; roleClaim?: string; jwksCooldownMs?: number; jwksCacheMaxAgeMs?: number };
  internalCredential?: string;
  roundPeriod?: string;
  /** ROUND_SCHEDULE: `monthly`, an ISO-8601 interval (`PT30S`) or `manual` (unset: manual). */
  roundSchedule?: string;
  lowStockThreshold?: number;
  placeOrderWaitMs?: number;
  /** ORDER_RESOLUTION_TIMEOUT_MS: an order waiting this long for inventory is asked about. */
  orderResolutionTimeoutMs?: number;
  eventPollIntervalMs?: number;
  eventBatchSize?: number;
  /** Which transport carries events between the services; the Postgres bus when unset. */
  eventTransport?: EventTransportSettings;
  logLevel?: string;
  /** The gateway's rate limits; unset ones come from the environment (ACCOUNT_LIMIT_PER_ADDRESS, …) or their defaults. */
  rateLimits?: Partial<RateLimitSettings>;
  /** Open WebSocket connections per client address at the gateway (MAX_CONNECTIONS_PER_ADDRESS). */
  maxConnectionsPerAddress?: number;
  /** The gateway's metrics server: 0 or unset picks a free port, null turns metrics off everywhere (each subgraph's are on a free port otherwise). */
  metricsPort?: number | null;
  /** Web origins the gateway lets call from a browser; unset: the live page's development origins. */
  corsOrigins?: readonly string[];
  /** The gateway behaves as in production (no introspection, no Sandbox); NODE_ENV decides when unset. */
  production?: boolean;
  /** Gateway bound on each subgraph call (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs?: number;
  /** Postgres bounds of every subgraph (DATABASE_*_TIMEOUT_MS). */
  databaseTimeouts?: Partial<DatabaseTimeouts>;
  /** The gateway's operation limits (tests lower them); unset ones keep their defaults. */
  operationLimits?: Partial<OperationLimits>;
}

/** Limits no test or local load generator reaches from one loopback address; for networks that are not the one under attack. */
export const LOAD_TEST_LIMITS: Pick<LocalNetworkOptions, 'rateLimits' | 'maxConnectionsPerAddress'> = {
  rateLimits: {
    accountPerAddress: { points: 100_000, durationSeconds: 1 },
    accountPerIdentity: { points: 100_000, durationSeconds: 1 },
    connectionsPerAddress: { points: 100_000, durationSeconds: 1 },
  },
  maxConnectionsPerAddress: 100_000,
};

export interface LocalNetwork {
  gatewayUrl: string;
  /** The gateway's Prometheus endpoint, on a port of its own; undefined when metrics are off. */
  metricsUrl?: string;
  /** Every service's Prometheus endpoint (each on a port of its own); undefined ones when metrics are off. */
  metricsUrls: Record<'gateway' | 'manufacturer' | 'inventory' | 'order' | 'account', string | undefined>;
  services: { manufacturer: RunningService; inventory: RunningService; order: RunningService; account: RunningAccountService };
  /** The account service's key ring: rotate with `keys.replace([...])`. */
  keys: KeyRing;
  /** Mints an access token for any identity with the account service's key (tests, seeding, development tools). */
  signToken: TokenSigner;
  stop(): Promise<void>;
}

export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const ports = options.ports ?? { gateway: 0, manufacturer: 0, inventory: 0, order: 0 };
  const keys = new KeyRing(options.signingKeys ?? [await generateSigningKey()]);
  const internalCredential = options.internalCredential ?? DEVELOPMENT_DEFAULTS.internalCredential;
  const logger = (name: string): Logger => createLogger(name, options.logLevel);
  const common = (name: string, port: number) => ({
    databaseUrl: options.databaseUrl,
    port,
    internalCredential,
    logger: logger(name),
    eventBatchSize: options.eventBatchSize,
    eventPollIntervalMs: options.eventPollIntervalMs,
    eventTransport: options.eventTransport,
    databaseTimeouts: options.databaseTimeouts,
    // Each subgraph on a free metrics port of its own, unless metrics are off.
    metricsPort: options.metricsPort === null ? null : 0,
  });
  const fromEnvironment = rateLimitSettingsFromEnvironment(process.env);
  // Subgraphs first (in parallel: they own separate schemas), then the gateway in front of them.
  const [manufacturer, inventory, order, account] = await Promise.all([
    startManufacturerService(common('manufacturer', ports.manufacturer)),
    startInventoryService({
      ...common('inventory', ports.inventory),
      roundPeriod: options.roundPeriod,
      roundSchedule: options.roundSchedule,
      lowStockThreshold: options.lowStockThreshold,
    }),
    startOrderService({ ...common('order', ports.order), placeOrderWaitMs: options.placeOrderWaitMs, resolutionTimeoutMs: options.orderResolutionTimeoutMs }),
    startAccountService({ ...common('account', ports.account ?? 0), keys, accessTokenSeconds: options.accessTokenSeconds, firstOperator: options.firstOperator }),
  ]);
  const gateway = await startGateway(
    {
      port: ports.gateway,
      jwksUrl: options.jwksUrl,
      tokenIssuer: options.token?.issuer,
      tokenAudience: options.token?.audience,
      roleClaim: options.token?.roleClaim,
      jwksCooldownMs: options.token?.jwksCooldownMs,
      jwksCacheMaxAgeMs: options.token?.jwksCacheMaxAgeMs,
      internalCredential,
      manufacturerUrl: manufacturer.url,
      inventoryUrl: inventory.url,
      orderUrl: order.url,
      accountUrl: account.url,
      supergraphPath: SUPERGRAPH_PATH,
      maxConnections: 10_000,
      maxSubscriptionsPerConnection: 50,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? fromEnvironment.maxConnectionsPerAddress,
      rateLimits: { ...fromEnvironment.rateLimits, ...options.rateLimits },
      metricsPort: options.metricsPort,
      corsOrigins: options.corsOrigins,
      subgraphTimeoutMs: options.subgraphTimeoutMs,
      operationLimits: options.operationLimits,
    },
    { logger: logger('gateway'), production: options.production },
  );

  let stopping: Promise<void> | null = null;
  return {
    gatewayUrl: gateway.url,
    metricsUrl: gateway.metricsUrl,
    metricsUrls: {
      gateway: gateway.metricsUrl,
      manufacturer: manufacturer.metricsUrl,
      inventory: inventory.metricsUrl,
      order: order.metricsUrl,
      account: account.metricsUrl,
    },
    services: { manufacturer, inventory, order, account },
    keys,
    signToken: (identity: Identity, expiresIn?: number | string) => keys.sign(identity, expiresIn),
    stop: () =>
      (stopping ??= (async () => {
        await gateway.stop();
        await Promise.all([manufacturer.stop(), inventory.stop(), order.stop(), account.stop()]);
      })()),
  };
}
