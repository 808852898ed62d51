/** The gateway process: Apollo Gateway over the supergraph, on node:http, with health probes and a WebSocket endpoint. */
import './no-phone-home.js';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { createTokenVerifier } from '@distribution/auth';
import { createLogger, requestIdFrom, REQUEST_ID_HEADER, type Logger } from '@distribution/logging';
import { isProduction } from '@distribution/config';
import { traceHttpRequest } from '@distribution/tracing';
import { startMetricsServer, type RunningMetricsServer } from '@distribution/server';
import { inputHygienePlugin } from '@distribution/server/input-hygiene';
import type { GatewayContext } from './context.js';
import { InflightReads, SubgraphDataSource } from './subgraph-data-source.js';
import { cachingTokenVerifier } from './token-cache.js';
import { installFastResultShaping } from './result-shaping.js';
import { requestLogPlugin } from './request-log-plugin.js';
import { BadHttpRequest, isJson, readRequestBody, toHTTPGraphQLRequest, writeError, writeErrors, writeHTTPGraphQLResponse } from './http-adapter.js';
import { FastPath } from './fast-path.js';
import { RateLimits, addressKey, fastPathRefusal, rateLimitPlugin, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, type RateLimitSettings } from './rate-limits/index.js';
import { attachSubscriptions, metricsRegistry, type SubscriptionEndpoint, type SubscriptionTuning } from './subscriptions/index.js';
import { CorsPolicy } from './cors.js';
import { DEVELOPMENT_ORIGINS } from './config.js';
import { OperationGuard, formatLimitError, gatewayErrorFormatter, operationLimitsPlugin, type OperationLimits } from './limits/index.js';
import { JWKS_PATH, PublishedKeys, jwksUrlOf } from './published-keys.js';

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

export const GRAPHQL_PATH = '/graphql';

function readSupergraph(path: string): string {
  if (!existsSync(path)) throw new Error(`No supergraph at ${path}: run \`npm run compose\` first`);
  return readFileSync(path, 'utf8');
}

/** Starts the gateway and resolves once it listens with the supergraph loaded. */
export async function startGateway(
  config: GatewaySettings,
  {
    logger = createLogger('gateway'),
    subscriptionTuning = {},
    fastPath: fastPathEnabled = true,
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
  // Every path (Apollo Server, the fast path, subscriptions) asks the same guard.
  const guard = new OperationGuard(config.operationLimits);
  // executeQueryPlan's result shaping, without re-reading the operation for every object (see result-shaping.ts).
  installFastResultShaping();
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
  // The config decides where subgraphs live; the supergraph's routing URLs are the local defaults.
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
  const inflight = new InflightReads();
  // One data source per subgraph, shared by ApolloGateway and the fast path.
  const dataSources = new Map<string, SubgraphDataSource>();
  const dataSourceFor = (name: string, url: string | undefined): SubgraphDataSource => {
    const target = routingUrls[name] ?? url!;
    let dataSource = dataSources.get(`${name} ${target}`);
    if (!dataSource)
      dataSources.set(`${name} ${target}`, (dataSource = new SubgraphDataSource(name, target, config.internalCredential, { inflight, timeoutMs: config.subgraphTimeoutMs })));
    return dataSource;
  };
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => dataSourceFor(name, url),
    logger,
  });
  const fastPath = fastPathEnabled ? new FastPath({ logger, production, guard, dataSource: dataSourceFor }) : undefined;

  const cors = new CorsPolicy(config.corsOrigins ?? (production ? [] : DEVELOPMENT_ORIGINS));
  let ready = false;
  let stopped = false;
  const httpServer = createServer((req, res) => void handle(req, res));
  const subscriptions = attachSubscriptions(httpServer, {
    ...subscriptionTuning,
    logger,
    path: GRAPHQL_PATH,
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    clientAddress: (req) => addressKey(rateLimits.addressOf(req)),
    admitConnection: (address) => rateLimits.admitConnection(address),
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    supergraphSdl,
    subgraphUrls: routingUrls,
    internalCredential: config.internalCredential,
    verifyToken,
    acceptUpgrade: (req, socket) => cors.acceptUpgrade(req, socket),
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    guard,
    production,
  });
  // Subscriptions follow the supergraph the HTTP path serves (a no-op for the one they started with).
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => subscriptions.reload(coreSupergraphSdl));
  // So does the fast path; a supergraph it cannot load leaves every request to Apollo Server.
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    if (!fastPath || stopped) return;
    try {
      fastPath.load(coreSupergraphSdl);
      fastPath.enabled = true;
    } catch (error) {
      fastPath.enabled = false;
      logger.error({ err: error }, 'the fast path could not load the supergraph; Apollo Server serves every request');
    }
  });
  const closeSubscriptions: ApolloServerPlugin<GatewayContext> = {
    async serverWillStart() {
      return {
        drainServer: async () => {
          await subscriptions.close();
          await rateLimits.close();
        },
      };
    },
  };

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
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
      closeSubscriptions,
      requestLogPlugin(logger),
      // Texts with control characters or past their length are refused before planning (input-hygiene.ts).
      inputHygienePlugin(),
      operationLimitsPlugin(guard),
      // Last: an operation refused for its input or its size does not use up the caller's quota.
      rateLimitPlugin(rateLimits),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const context: GatewayContext = { requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]), identity: null, clientAddress: rateLimits.addressOf(req), requestLog: {} };
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    const isGraphQL = url.pathname === GRAPHQL_PATH;
    // A GraphQL request is a server span in the caller's trace (its traceparent header), named by its operation.
    if (isGraphQL)
      return traceHttpRequest(
        'gateway',
        req,
        res,
        () => serve(req, res, url, context, started),
        () => context.requestLog.operationName ?? undefined,
      );
    return serve(req, res, url, context, started);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL, context: GatewayContext, started: number): Promise<void> {
    const isGraphQL = url.pathname === GRAPHQL_PATH;
    res.once('close', () => {
      // Probes are frequent and boring: only GraphQL traffic is logged at info.
      logger[isGraphQL ? 'info' : 'debug'](
        {
          requestId: context.requestId,
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          operationName: context.requestLog.operationName ?? undefined,
          errors: context.requestLog.errorCodes,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      );
    });

    try {
      if (cors.answerHttp(req, res)) return;
      if (url.pathname === '/healthz') return writeStatus(res, 200, 'ok');
      if (url.pathname === '/readyz') return ready ? writeStatus(res, 200, 'ready') : writeStatus(res, 503, 'not ready');
      if (url.pathname === JWKS_PATH && req.method === 'GET') return await publishedKeys.serve(res);
      if (!isGraphQL) return writeError(res, 404, `Nothing at ${url.pathname}; GraphQL is at ${GRAPHQL_PATH}`, 'NOT_FOUND');

      const method = req.method!.toUpperCase();
      const body = await readRequestBody(req, method);
      // The document's size is checked before either path parses it.
      const tooLarge = guard.sizeError(method === 'GET' || method === 'HEAD' ? url.searchParams.get('query') : isObject(body) ? body.query : undefined);
      if (tooLarge) {
        context.requestLog.errorCodes = [String(tooLarge.extensions.code)];
        return writeErrors(res, 400, [formatLimitError(tooLarge)]);
      }
      // JSON POSTs of known operations skip Apollo Server's pipeline (fast-path.ts); the rest go through it.
      const prepared = method === 'POST' && isJson(req.headers['content-type']) ? fastPath?.prepare(body, req.headers) : undefined;
      if (prepared) {
        let identity: GatewayContext['identity'] | undefined;
        try {
          identity = await verifyToken(headerValue(req.headers.authorization));
        } catch {
          // Apollo Server answers a token that does not verify (below), as it always has.
        }
        if (identity !== undefined) {
          context.identity = identity;
          const fast = (await fastPathRefusal(rateLimits, prepared, context)) ?? (await fastPath!.execute(prepared, context));
          res.statusCode = fast.status;
          for (const name in fast.headers) res.setHeader(name, fast.headers[name]!);
          res.end(fast.body);
          return;
        }
      }

      const httpGraphQLRequest = toHTTPGraphQLRequest(req, url, method, body);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () => {
          try {
            context.identity = await verifyToken(httpGraphQLRequest.headers.get('authorization'));
          } catch (error) {
            // Apollo answers a failed context with 500 unless told otherwise; a bad token is the
            // caller's problem, so it is a plain GraphQL error (code UNAUTHENTICATED) with 200.
            if (error instanceof GraphQLError) throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 200 } } });
            throw error;
          }
          return context;
        },
      });
      if (typeof context.requestLog.operationName !== 'string' && isObject(httpGraphQLRequest.body) && typeof httpGraphQLRequest.body.operationName === 'string') {
        context.requestLog.operationName = httpGraphQLRequest.body.operationName;
      }
      await writeHTTPGraphQLResponse(res, response);
    } catch (error) {
      if (error instanceof BadHttpRequest) return writeError(res, error.status, error.message);
      logger.error({ requestId: context.requestId, err: error }, 'request failed outside GraphQL execution');
      if (!res.headersSent) writeError(res, 500, 'Something went wrong on our side; it has been logged', 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    }
  }

  await apollo.start();
  let metrics: RunningMetricsServer | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    // Metrics on a port of their own, which a deployment does not publish: the public port has no /metrics.
    if (config.metricsPort !== null) metrics = await startMetricsServer({ port: config.metricsPort ?? 0, registry: metricsRegistry });
  } catch (error) {
    await apollo.stop();
    throw error;
  }
  ready = true;

  const { port } = httpServer.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    server: httpServer,
    subscriptions,
    metricsUrl: metrics?.url,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        // Requests from now on get Apollo Server's answer for a stopping server.
        stopped = true;
        if (fastPath) fastPath.enabled = false;
        await apollo.stop();
        await metrics?.stop();
      })()),
  };
}

function writeStatus(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify({ status: text }));
}

/** A header as the Fetch API's Headers would give it: repeated values joined. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
