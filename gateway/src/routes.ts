/**
 * Internal to the gateway: what each HTTP request gets. Health probes, the published keys, and
 * GraphQL at GRAPHQL_PATH: the fast path for known JSON POSTs, Apollo Server for the rest.
 * One log line per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { requestIdFrom, REQUEST_ID_HEADER } from '@distribution/logging';
import { traceHttpRequest } from '@distribution/tracing';
import { requestOutcome } from '@distribution/server/metrics';
import type { GatewayContext } from './context.js';
import { BadHttpRequest, isJson, readRequestBody, toHTTPGraphQLRequest, writeError, writeErrors, writeHTTPGraphQLResponse } from './http-adapter.js';
import { fastPathRefusal } from './rate-limits/index.js';
import { formatLimitError } from './limits/index.js';
import { JWKS_PATH } from './published-keys.js';
import { GRAPHQL_PATH, type GatewayParts } from './wiring.js';

/** Whether /readyz answers ready (set once the gateway listens, cleared when it stops). */
export interface Readiness {
  ready: boolean;
}

/** The HTTP server's request handler over the gateway's parts. */
export function routeRequests(parts: GatewayParts, apollo: ApolloServer<GatewayContext>, readiness: Readiness): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { logger, guard, rateLimits, cors, publishedKeys, verifyToken, fastPath } = parts;

  return async function handle(req, res) {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const context: GatewayContext = { requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]), identity: null, clientAddress: rateLimits.addressOf(req), requestLog: {} };
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    // A GraphQL request is a server span in the caller's trace (its traceparent header), named by its operation.
    if (url.pathname === GRAPHQL_PATH)
      return traceHttpRequest(
        'gateway',
        req,
        res,
        () => serve(req, res, url, context, started),
        () => context.requestLog.operationName ?? undefined,
      );
    return serve(req, res, url, context, started);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL, context: GatewayContext, started: number): Promise<void> {
    const isGraphQL = url.pathname === GRAPHQL_PATH;
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      if (isGraphQL && req.method !== 'OPTIONS') parts.metrics.request(context.requestLog.operationName, requestOutcome(context.requestLog.errorCodes, res.statusCode), seconds);
      // Probes are frequent and boring: only GraphQL traffic is logged at info.
      logger[isGraphQL ? 'info' : 'debug'](
        {
          requestId: context.requestId,
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          operationName: context.requestLog.operationName ?? undefined,
          errors: context.requestLog.errorCodes,
          durationMs: Math.round(seconds * 10_000) / 10,
        },
        'request',
      );
    });

    try {
      if (cors.answerHttp(req, res)) return;
      if (url.pathname === '/healthz') return writeStatus(res, 200, 'ok');
      if (url.pathname === '/readyz') return readiness.ready ? writeStatus(res, 200, 'ready') : writeStatus(res, 503, 'not ready');
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
