/**
 * Internal to the gateway: builds the parts a running gateway is made of (token verification,
 * rate limits, data sources, Apollo Gateway and Server, the fast path, subscriptions) from its
 * settings. server.ts starts them, routes.ts serves HTTP with them, shutdown.ts stops them.
 */
import type { Server as HttpServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { createTokenVerifier, type TokenVerifier } from '@distribution/auth';
import type { Logger } from '@distribution/logging';
import { inputHygienePlugin } from '@distribution/server/input-hygiene';
import type { GatewayContext } from './context.js';
import type { GatewaySettings } from './server.js';
import { InflightReads, SubgraphDataSource } from './subgraph-data-source.js';
import { cachingTokenVerifier } from './token-cache.js';
import { requestLogPlugin } from './request-log-plugin.js';
import { FastPath } from './fast-path.js';
import { RateLimits, addressKey, rateLimitPlugin, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from './rate-limits/index.js';
import { attachSubscriptions, type SubscriptionEndpoint, type SubscriptionTuning } from './subscriptions/index.js';
import { CorsPolicy } from './cors.js';
import { DEVELOPMENT_ORIGINS } from './config.js';
import { OperationGuard, gatewayErrorFormatter, operationLimitsPlugin } from './limits/index.js';
import { PublishedKeys, jwksUrlOf } from './published-keys.js';
import { drainOnStop } from './shutdown.js';
import { createGatewayMetrics, NO_GATEWAY_METRICS, type GatewayMetrics } from './gateway-metrics.js';

export const GRAPHQL_PATH = '/graphql';

/** What one gateway is made of, before it serves anything. */
export interface GatewayParts {
  logger: Logger;
  production: boolean;
  /** Every path (Apollo Server, the fast path, subscriptions) asks the same guard. */
  guard: OperationGuard;
  verifyToken: TokenVerifier;
  publishedKeys: PublishedKeys;
  rateLimits: RateLimits;
  cors: CorsPolicy;
  /** Where each subgraph lives, by the config (the supergraph's routing URLs are the local defaults). */
  routingUrls: Record<string, string>;
  supergraphSdl: string;
  gateway: ApolloGateway;
  /** Undefined when the fast path is off. */
  fastPath: FastPath | undefined;
  /** Requests and subgraph calls; no-ops when metrics are off. */
  metrics: GatewayMetrics;
  /** True once the gateway stops: the fast path no longer follows supergraph updates. */
  stopped: boolean;
}

function readSupergraph(path: string): string {
  if (!existsSync(path)) throw new Error(`No supergraph at ${path}: run \`npm run compose\` first`);
  return readFileSync(path, 'utf8');
}

/** Builds the parts that need no HTTP server: verification, limits, data sources, the gateway and the fast path. */
export async function wireGateway(
  config: GatewaySettings,
  { logger, production, fastPath: fastPathEnabled }: { logger: Logger; production: boolean; fastPath: boolean },
): Promise<GatewayParts> {
  const guard = new OperationGuard(config.operationLimits);
  // Every token is verified through a JWKS, ours (the account service's) or an identity provider's;
  // once per token (until it expires), not once per request.
  const jwksUrl = config.jwksUrl ?? jwksUrlOf(config.accountUrl);
  const verifyToken = cachingTokenVerifier(
    createTokenVerifier({
      jwksUrl,
      issuer: config.tokenIssuer,
      audience: config.tokenAudience,
      roleClaim: config.roleClaim,
      jwksCooldownMs: config.jwksCooldownMs,
      jwksCacheMaxAgeMs: config.jwksCacheMaxAgeMs,
    }),
  );
  const publishedKeys = new PublishedKeys(jwksUrl, logger);
  const routingUrls: Record<string, string> = {
    manufacturer: config.manufacturerUrl,
    inventory: config.inventoryUrl,
    order: config.orderUrl,
    account: config.accountUrl,
  };
  const supergraphSdl = readSupergraph(config.supergraphPath);
  const rateLimits = new RateLimits(config.rateLimits, logger);
  await rateLimits.ready();
  // Identical reads that arrive together go to the subgraph once (see InflightReads).
  // Off: nothing is recorded (every hook is a no-op), so the cost of metrics can be measured.
  const metrics = config.metricsPort === null ? NO_GATEWAY_METRICS : createGatewayMetrics();
  const inflight = new InflightReads();
  // One data source per subgraph, shared by ApolloGateway and the fast path.
  const dataSources = new Map<string, SubgraphDataSource>();
  const dataSourceFor = (name: string, url: string | undefined): SubgraphDataSource => {
    const target = routingUrls[name] ?? url!;
    let dataSource = dataSources.get(`${name} ${target}`);
    if (!dataSource)
      dataSources.set(
        `${name} ${target}`,
        (dataSource = new SubgraphDataSource(name, target, config.internalCredential, { inflight, timeoutMs: config.subgraphTimeoutMs, observeFetch: metrics.subgraphFetch })),
      );
    return dataSource;
  };
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => dataSourceFor(name, url),
    logger,
  });
  const fastPath = fastPathEnabled ? new FastPath({ logger, production, guard, dataSource: dataSourceFor }) : undefined;
  const cors = new CorsPolicy(config.corsOrigins ?? (production ? [] : DEVELOPMENT_ORIGINS));
  return { logger, production, guard, verifyToken, publishedKeys, rateLimits, cors, routingUrls, supergraphSdl, gateway, fastPath, metrics, stopped: false };
}

/** Serves graphql-ws on the HTTP server; subscriptions and the fast path follow the supergraph the HTTP path serves. */
export function attachGatewaySubscriptions(
  httpServer: HttpServer,
  config: GatewaySettings,
  parts: GatewayParts,
  subscriptionTuning: Partial<SubscriptionTuning>,
): SubscriptionEndpoint {
  const { logger, rateLimits, cors, fastPath } = parts;
  const subscriptions = attachSubscriptions(httpServer, {
    ...subscriptionTuning,
    logger,
    path: GRAPHQL_PATH,
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    clientAddress: (req) => addressKey(rateLimits.addressOf(req)),
    admitConnection: (address) => rateLimits.admitConnection(address),
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    supergraphSdl: parts.supergraphSdl,
    subgraphUrls: parts.routingUrls,
    internalCredential: config.internalCredential,
    verifyToken: parts.verifyToken,
    acceptUpgrade: (req, socket) => cors.acceptUpgrade(req, socket),
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    guard: parts.guard,
    production: parts.production,
  });
  // A no-op for the supergraph they started with.
  parts.gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => subscriptions.reload(coreSupergraphSdl));
  // A supergraph the fast path cannot load leaves every request to Apollo Server.
  parts.gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    if (!fastPath || parts.stopped) return;
    try {
      fastPath.load(coreSupergraphSdl);
      fastPath.enabled = true;
    } catch (error) {
      fastPath.enabled = false;
      logger.error({ err: error }, 'the fast path could not load the supergraph; Apollo Server serves every request');
    }
  });
  return subscriptions;
}

/** Apollo Server over the gateway, with the gateway's plugins; draining it closes subscriptions and rate limits. */
export function apolloServerFor(parts: GatewayParts, httpServer: HttpServer, subscriptions: SubscriptionEndpoint): ApolloServer<GatewayContext> {
  const { logger, production, guard, rateLimits } = parts;
  return new ApolloServer<GatewayContext>({
    gateway: parts.gateway,
    csrfPrevention: true,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    formatError: gatewayErrorFormatter({ production }),
    parseOptions: guard.parseOptions,
    logger,
    // main.ts owns the signals, so that shutdown happens once and in order.
    stopOnTerminationSignals: false,
    // A new array each time: Apollo Server mutates the one it is given.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      drainOnStop(subscriptions, rateLimits),
      requestLogPlugin(logger),
      // Texts with control characters or past their length are refused before planning (input-hygiene.ts).
      inputHygienePlugin(),
      operationLimitsPlugin(guard),
      // Last: an operation refused for its input or its size does not use up the caller's quota.
      rateLimitPlugin(rateLimits),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
}
