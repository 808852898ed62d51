/**
 * Starts one subgraph: Apollo Server on node:http, graphql-ws on the same port, /healthz and
 * /readyz, the gateway's internal credential required on every request, graceful shutdown.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { hasInternalCredential, identityFromHeaders, type Identity } from '@distribution/auth';
import { formatErrorForClient } from '@distribution/errors';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from '@distribution/logging';
import { traceHttpRequest } from '@distribution/tracing';
import { serveGraphQL } from './http-graphql.js';
import { inputHygienePlugin } from './input-hygiene.js';
import { serveGraphQLOverWebSocket } from './ws-graphql.js';
import { DEFAULT_SUBGRAPH_MAX_DEPTH, depthLimitRule } from './depth-limit.js';

/** What every resolver can rely on, whatever the service adds. */
export interface RequestContext {
  identity: Identity | null;
  requestId: string;
  logger: Logger;
}

export interface SubgraphOptions<C extends RequestContext> {
  name: string;
  schema: GraphQLSchema;
  port: number;
  internalCredential: string;
  logger: Logger;
  /** Adds per-request state (DataLoaders, database) to the base context. */
  createContext: (base: RequestContext) => C | Promise<C>;
  /** Readiness: false while dependencies (database, event bus) are not usable. */
  isReady?: () => Promise<boolean> | boolean;
  host?: string;
  /** Deepest field nesting accepted (depth-limit.ts); default DEFAULT_SUBGRAPH_MAX_DEPTH. */
  maxDepth?: number;
  /** GET paths anyone may read without the internal credential (the account service's JWKS). */
  publicRoutes?: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;
}

export interface RunningSubgraph {
  url: string;
  port: number;
  httpServer: http.Server;
  stop(): Promise<void>;
}

/** The largest WebSocket message a subgraph reads. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startSubgraph<C extends RequestContext>(options: SubgraphOptions<C>): Promise<RunningSubgraph> {
  const { logger } = options;
  const httpServer = http.createServer();
  // The gateway keeps connections to subgraphs alive; a server that drops idle sockets sooner
  // than the client expects races with reuse and surfaces as "subgraph unavailable".
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    // The gateway's messages are one subscribe each; ws checks a frame's length before reading it.
    maxPayload: MAX_WS_MESSAGE_BYTES,
    // Only the gateway may open a socket: the credential is checked on the upgrade request, and a
    // caller without it gets 403 before a single WebSocket frame is read.
    verifyClient: ({ req }, done) => (hasInternalCredential(req.headers, options.internalCredential) ? done(true) : done(false, 403, 'Requests must come through the gateway')),
  });
  const depthLimit = depthLimitRule(options.maxDepth ?? DEFAULT_SUBGRAPH_MAX_DEPTH);
  const wsCleanup = serveGraphQLOverWebSocket(wsServer, { ...options, validationRules: [depthLimit] });

  const apollo = new ApolloServer<C & BaseContext>({
    schema: options.schema,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimit],
    // Whoever runs the process owns the signals (stopOnSignals), so that shutdown happens once and
    // in order. Apollo's own handler would stop this server too, and a second stop() that comes
    // while one is under way waits for ever (Apollo Server 5 never releases it).
    stopOnTerminationSignals: false,
    formatError: formatErrorForClient((formatted, original) => logger.error({ err: original, path: formatted.path }, 'unexpected error')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      // No type or field carries a cache hint, and the plugin would hook every field of every
      // request to compute a policy that always says "do not cache".
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // Texts with control characters or past their length never reach a resolver (input-hygiene.ts).
      inputHygienePlugin(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  httpServer.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok', service: options.name });
    if (path === '/readyz') {
      Promise.resolve(options.isReady?.() ?? true)
        .then((ready) => sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', service: options.name }))
        .catch(() => sendJson(res, 503, { status: 'not ready', service: options.name }));
      return;
    }
    const publicRoute = options.publicRoutes?.[path!];
    if (publicRoute && req.method === 'GET') return publicRoute(req, res);
    if (path !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    if (!hasInternalCredential(req.headers, options.internalCredential)) {
      return sendJson(res, 403, { errors: [{ message: 'Requests must come through the gateway', extensions: { code: 'FORBIDDEN' } }] });
    }
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const started = performance.now();
    // A server span in the gateway's trace (the traceparent header it sent).
    traceHttpRequest(options.name, req, res, () =>
      serveGraphQL(
        apollo,
        req,
        res,
        async () =>
          options.createContext({
            identity: identityFromHeaders(req.headers),
            requestId,
            logger: logger.child({ requestId }),
          }) as Promise<C & BaseContext>,
        { [REQUEST_ID_HEADER]: requestId },
      ),
    )
      .then(() => logger.debug({ requestId, ms: Math.round(performance.now() - started) }, 'request'))
      .catch((error) => {
        logger.error({ err: error, requestId }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      });
  });

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? '0.0.0.0', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url }, `${options.name} subgraph listening`);
  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    httpServer,
    stop: () =>
      (stopping ??= (async () => {
        await apollo.stop();
        for (const client of wsServer.clients) client.terminate();
        await new Promise<void>((resolve) => wsServer.close(() => resolve()));
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      })()),
  };
}
