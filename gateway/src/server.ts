/**
 * The gateway process: Apollo Gateway over the supergraph, on node:http, with health probes and a
 * WebSocket endpoint. Its parts are built in wiring.ts, HTTP is served by routes.ts, and
 * shutdown.ts holds the order of listening and stopping.
 */
import './no-phone-home.js';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '@distribution/logging';
import { isProduction } from '@distribution/config';
import type { RateLimitSettings } from './rate-limits/index.js';
import type { SubscriptionEndpoint, SubscriptionTuning } from './subscriptions/index.js';
import type { OperationLimits } from './limits/index.js';
import { installFastResultShaping } from './result-shaping.js';
import { GRAPHQL_PATH, apolloServerFor, attachGatewaySubscriptions, wireGateway } from './wiring.js';
import { routeRequests, type Readiness } from './routes.js';
import { listen, stopper } from './shutdown.js';

export { GRAPHQL_PATH };

/** The part of the service config (see config.ts) the server needs; the full config satisfies it. */
export interface GatewaySettings {
  port: number;
  /** Where the token signing keys are; unset: the account service's JWKS. */
  jwksUrl?: string;
  /** The `iss`, `aud` and role claim tokens must carry; unset: the account service's. */
  tokenIssuer?: string;
  tokenAudience?: string;
  roleClaim?: string;
  /** The least time between two JWKS fetches (default 30 s), and how long fetched keys are trusted (10 min); tests of key rotation shorten them. */
  jwksCooldownMs?: number;
  jwksCacheMaxAgeMs?: number;
  internalCredential: string;
  manufacturerUrl: string;
  inventoryUrl: string;
  orderUrl: string;
  accountUrl: string;
  supergraphPath: string;
  maxSubscriptionsPerConnection: number;
  maxConnections: number;
  /** Open WebSocket connections per client address (default 100). */
  maxConnectionsPerAddress?: number;
  /** Account mutation and connection rate limits; unset ones take DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimitSettings>;
  /** Port of the metrics server (never the public one): 0 or unset picks a free port, null serves no metrics. */
  metricsPort?: number | null;
  /** Web origins allowed to call from a browser; unset: the live page's in development, none in production. */
  corsOrigins?: readonly string[];
  /** Bound on each call to a subgraph (SUBGRAPH_TIMEOUT_MS); 10 s when absent. */
  subgraphTimeoutMs?: number;
  /** Limits on what one operation may ask (limits/operation-limits.ts); unset ones keep their defaults. */
  operationLimits?: Partial<OperationLimits>;
}

export interface RunningGateway {
  url: string;
  port: number;
  server: HttpServer;
  /** The graphql-ws endpoint (reload, stats). */
  subscriptions: SubscriptionEndpoint;
  /** Where Prometheus scrapes this gateway; undefined when metrics are off. */
  metricsUrl?: string;
  /** Stops taking requests, lets in-flight ones finish, closes sockets; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the gateway and resolves once it listens with the supergraph loaded. */
export async function startGateway(
  config: GatewaySettings,
  {
    logger = createLogger('gateway'),
    subscriptionTuning = {},
    fastPath = true,
    production = isProduction(),
  }: {
    logger?: Logger;
    /** Behave as with NODE_ENV=production (no introspection, landing page or schema hints in errors); tests set it. */
    production?: boolean;
    subscriptionTuning?: Partial<SubscriptionTuning>;
    /** Serve known JSON POSTs without Apollo Server's pipeline (fast-path.ts); off only to compare the two. */
    fastPath?: boolean;
  } = {},
): Promise<RunningGateway> {
  // executeQueryPlan's result shaping, without re-reading the operation for every object (see result-shaping.ts).
  installFastResultShaping();
  const parts = await wireGateway(config, { logger, production, fastPath });
  const readiness: Readiness = { ready: false };
  // Subscriptions and Apollo Server's drain need the HTTP server; its request handler needs Apollo Server.
  const httpServer = createServer();
  const subscriptions = attachGatewaySubscriptions(httpServer, config, parts, subscriptionTuning);
  const apollo = apolloServerFor(parts, httpServer, subscriptions);
  const handle = routeRequests(parts, apollo, readiness);
  httpServer.on('request', (req, res) => void handle(req, res));

  await apollo.start();
  const metrics = await listen(httpServer, config.port, config.metricsPort, parts.metrics.registry, apollo);
  readiness.ready = true;

  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    server: httpServer,
    subscriptions,
    metricsUrl: metrics?.url,
    stop: stopper(parts, readiness, apollo, metrics),
  };
}
