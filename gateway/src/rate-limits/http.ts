/**
 * Rate limits on both HTTP paths, answered the same way: status 429, a `Retry-After` header and
 * `{ errors: [{ message, extensions: { code: "RATE_LIMITED", retryAfterSeconds } }] }`.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { FastResponse, PreparedRequest } from '../fast-path.js';
import type { RateLimits } from './rate-limits.js';

export const RATE_LIMITED_STATUS = 429;

/** Apollo Server's pipeline: checked once the operation is known, before any subgraph is called. */
export function rateLimitPlugin(limits: RateLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (!operation) return;
          const refused = await limits.checkOperation({
            document,
            operation,
            variables: request.variables,
            address: contextValue.clientAddress ?? 'unknown',
            identity: contextValue.identity,
          });
          if (!refused) return;
          const seconds = String(refused.extensions.retryAfterSeconds);
          // Apollo takes status and headers from extensions.http and leaves them out of the body. Typed as a plain record:
          // where graphql-yoga is also loaded (bench/) it declares extensions.http.headers a Record, not Apollo's HeaderMap.
          const extensions: Record<string, unknown> = { ...refused.extensions, http: { status: RATE_LIMITED_STATUS, headers: new HeaderMap([['retry-after', seconds]]) } };
          throw new GraphQLError(refused.message, { extensions });
        },
      };
    },
  };
}

/** The fast path (fast-path.ts): the refusal to send instead of executing, or undefined to execute. */
export async function fastPathRefusal(limits: RateLimits, { prepared, variables, contentType }: PreparedRequest, context: GatewayContext): Promise<FastResponse | undefined> {
  const refused = await limits.checkOperation({
    document: prepared.document,
    operation: prepared.operation,
    variables,
    address: context.clientAddress ?? 'unknown',
    identity: context.identity,
  });
  if (!refused) return undefined;
  context.requestLog.operationName = prepared.operationName;
  context.requestLog.errorCodes = [String(refused.extensions.code)];
  return {
    status: RATE_LIMITED_STATUS,
    headers: { 'retry-after': String(refused.extensions.retryAfterSeconds), 'cache-control': 'no-store', 'content-type': contentType },
    body: `${JSON.stringify({ errors: [{ message: refused.message, extensions: refused.extensions }] })}\n`,
  };
}
