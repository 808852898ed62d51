/** The gateway process: Apollo Gateway over the supergraph, on node:http, with health probes and a WebSocket endpoint. */
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
import { formatErrorForClient } from '@distribution/errors';
import { createLogger, requestIdFrom, REQUEST_ID_HEADER, type Logger } from '@distribution/logging';
import { isProduction } from '@distribution/config';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import { requestLogPlugin } from './request-log-plugin.js';
import { BadHttpRequest, toHTTPGraphQLRequest, writeError, writeHTTPGraphQLResponse } from './http-adapter.js';
import { attachSubscriptions, metricsHandler, type SubscriptionEndpoint, type SubscriptionTuning } from './subscriptions/index.js';

/** The part of the service config (see config.ts) the server needs; the full config satisfies it. */
export interface GatewaySettings {
  port: number;
  jwtSecret: string;
  jwksUrl?: string;
  internalCredential: string;
  manufacturerUrl: string;
  inventoryUrl: string;
  orderUrl: string;
  supergraphPath: string;
  maxSubscriptionsPerConnection: number;
  maxConnections: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  server: HttpServer;
  /** The graphql-ws endpoint (reload, stats). */
  subscriptions: SubscriptionEndpoint;
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
  { logger = createLogger('gateway'), subscriptionTuning = {} }: { logger?: Logger; subscriptionTuning?: Partial<SubscriptionTuning> } = {},
): Promise<RunningGateway> {
  const production = isProduction();
  const verifyToken = createTokenVerifier({ secret: config.jwtSecret, jwksUrl: config.jwksUrl });
  // The config decides where subgraphs live; the supergraph's routing URLs are the local defaults.
  const routingUrls: Record<string, string> = {
    manufacturer: config.manufacturerUrl,
    inventory: config.inventoryUrl,
    order: config.orderUrl,
  };
  const supergraphSdl = readSupergraph(config.supergraphPath);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, routingUrls[name] ?? url!, config.internalCredential),
    logger,
  });

  let ready = false;
  const httpServer = createServer((req, res) => void handle(req, res));
  const subscriptions = attachSubscriptions(httpServer, {
    ...subscriptionTuning,
    logger,
    path: GRAPHQL_PATH,
    maxConnections: config.maxConnections,
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    supergraphSdl,
    subgraphUrls: routingUrls,
    internalCredential: config.internalCredential,
    verifyToken,
  });
  // Subscriptions follow the supergraph the HTTP path serves (a no-op for the one they started with).
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => subscriptions.reload(coreSupergraphSdl));
  const closeSubscriptions: ApolloServerPlugin<GatewayContext> = {
    async serverWillStart() {
      return { drainServer: () => subscriptions.close() };
    },
  };

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    formatError: formatErrorForClient(),
    logger,
    // main.ts owns the signals, so that shutdown happens once and in order.
    stopOnTerminationSignals: false,
    // A new array each time: Apollo Server mutates the one it is given.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      closeSubscriptions,
      requestLogPlugin(logger),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const context: GatewayContext = { requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]), identity: null, requestLog: {} };
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    const isGraphQL = url.pathname === GRAPHQL_PATH;
    res.once('close', () => {
      // Probes are frequent and boring: only GraphQL traffic is logged at info.
      logger[isGraphQL ? 'info' : 'debug']({
        requestId: context.requestId,
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        operationName: context.requestLog.operationName ?? undefined,
        errors: context.requestLog.errorCodes,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      }, 'request');
    });

    try {
      if (url.pathname === '/healthz') return writeStatus(res, 200, 'ok');
      if (url.pathname === '/readyz') return ready ? writeStatus(res, 200, 'ready') : writeStatus(res, 503, 'not ready');
      if (url.pathname === '/metrics') return await metricsHandler(req, res);
      if (!isGraphQL) return writeError(res, 404, `Nothing at ${url.pathname}; GraphQL is at ${GRAPHQL_PATH}`, 'NOT_FOUND');

      const httpGraphQLRequest = await toHTTPGraphQLRequest(req, url);
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
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
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
    stop: () => (stopping ??= (async () => {
      ready = false;
      await apollo.stop();
    })()),
  };
}

function writeStatus(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify({ status: text }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
