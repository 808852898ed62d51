/** Calls a subgraph on behalf of the caller: forwards identity, internal credential and request id. */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { identityToHeaders } from '@distribution/auth';
import { ErrorCode } from '@distribution/errors';
import { REQUEST_ID_HEADER } from '@distribution/logging';
import type { GatewayContext } from './context.js';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly internalCredential: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http!.headers;
    // Schema-loading and health-check requests carry no incoming context: they go as anonymous.
    for (const [name, value] of Object.entries(identityToHeaders(context?.identity ?? null, this.internalCredential))) {
      headers.set(name, value);
    }
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  /**
   * A subgraph that answers non-2xx: keep its own GraphQL error (and code) when it sent one,
   * and never pass on the response object, which would show clients the internal URL.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body: unknown = await response.json().catch(() => undefined);
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined)?.errors?.[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code
      : response.status === 401 ? ErrorCode.Unauthenticated
      : response.status === 403 ? ErrorCode.Forbidden
      : ErrorCode.SubgraphUnavailable;
    const message = typeof first?.message === 'string' ? first.message : `The ${this.serviceName} service answered ${response.status}`;
    return new GraphQLError(message, { extensions: { code, serviceName: this.serviceName } });
  }

  /** Network failures (refused, reset, DNS) become SUBGRAPH_UNAVAILABLE instead of an opaque internal error. */
  override didEncounterError(error: Error): void {
    if (error instanceof GraphQLError) throw error;
    throw new GraphQLError(`The ${this.serviceName} service is unavailable`, {
      originalError: error,
      extensions: { code: ErrorCode.SubgraphUnavailable, serviceName: this.serviceName },
    });
  }
}
