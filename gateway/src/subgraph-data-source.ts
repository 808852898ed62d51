/** Calls a subgraph on behalf of the caller: forwards identity, internal credential and request id. */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { identityToHeaders } from '@distribution/auth';
import { ErrorCode } from '@distribution/errors';
import { REQUEST_ID_HEADER } from '@distribution/logging';
import { traceOutgoingCall } from '@distribution/tracing';
import type { GatewayContext } from './context.js';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS, SubgraphTimeoutError, postToSubgraph, type SubgraphHttpResponse } from './subgraph-http.js';
import { dedupeRepresentations, spreadEntities } from './representations.js';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];
type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * Identical subgraph reads that arrive together go to the subgraph once: a query's fetch joins an
 * identical one (same subgraph, operation, variables, caller identity) that has not been sent yet,
 * and each caller gets its own copy of the answer. Calls are sent at the end of the event-loop turn
 * (setImmediate), so the reads of a burst of requests share one call; a call that has been sent is
 * never joined. That keeps every answer as fresh as without sharing: the subgraph reads after every
 * caller of the shared call had arrived, so a client that saw its mutation answered, or was told
 * by a subscription that something changed, never reads what was there before.
 * The shared call carries the request id of the request that started it.
 */
export class InflightReads {
  private readonly waiting = new Map<string, Promise<SubgraphHttpResponse>>();

  share(key: string, call: () => Promise<SubgraphHttpResponse>): Promise<SubgraphHttpResponse> {
    let pending = this.waiting.get(key);
    if (!pending) {
      pending = new Promise<SubgraphHttpResponse>((resolve, reject) => {
        setImmediate(() => {
          this.waiting.delete(key);
          try {
            resolve(call());
          } catch (error) {
            reject(error);
          }
        });
      });
      this.waiting.set(key, pending);
    }
    return pending;
  }

  /** Calls waiting to be sent. */
  get size(): number {
    return this.waiting.size;
  }
}

export interface SubgraphDataSourceOptions {
  /** Share identical reads that arrive together (see InflightReads); without it every fetch is its own call. */
  inflight?: InflightReads;
  /** How long a call may take, answer included (SUBGRAPH_TIMEOUT_MS); past it the fields it was for are null with SUBGRAPH_TIMEOUT. */
  timeoutMs?: number;
}

/**
 * Subclasses RemoteGraphQLDataSource for its name and shape, but sends requests itself
 * (subgraph-http.ts): the inherited fetcher costs more gateway CPU than the rest of a query.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly endpoint: URL;
  private readonly timeoutMs: number;

  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly internalCredential: string,
    private readonly options: SubgraphDataSourceOptions = {},
  ) {
    super({ url });
    this.endpoint = new URL(url);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SUBGRAPH_TIMEOUT_MS;
  }

  /** The headers every call carries: identity (anonymous without a context), credential, request id. */
  private headersFor(context: Partial<GatewayContext> | undefined): Record<string, string> {
    const headers = identityToHeaders(context?.identity ?? null, this.internalCredential);
    if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    return headers;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
    const { request } = options;
    const context = options.context as Partial<GatewayContext> | undefined;
    if (!request.query) throw new Error('Missing query');
    // Headers the executor asked for (e.g. federated tracing) first; ours win over them.
    const headers: Record<string, string> = {};
    let asked = false;
    if (request.http?.headers) {
      for (const [name, value] of request.http.headers) {
        headers[name.toLowerCase()] = value;
        asked = true;
      }
    }
    headers['content-type'] = 'application/json';
    Object.assign(headers, this.headersFor(context));

    const representations = request.variables?.representations;
    const deduped = Array.isArray(representations) ? dedupeRepresentations(representations) : null;
    const variables = deduped ? { ...request.variables, representations: deduped.unique } : request.variables;
    const body = JSON.stringify({ query: request.query, variables, operationName: request.operationName, extensions: request.extensions });

    const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined;
    const operationType = incoming?.operation?.operation;
    // A client span per call sent (a shared read: the first caller's), its traceparent in the headers.
    const send = () =>
      traceOutgoingCall('gateway', `subgraph ${this.serviceName}`, headers, () => postToSubgraph(this.endpoint, headers, body, this.timeoutMs), {
        'peer.service': this.serviceName,
      });
    let parsed: GatewayResponse;
    let response: SubgraphHttpResponse;
    try {
      if (operationType === 'query' && !asked && this.options.inflight) {
        // Who is asking is part of the answer; the request id is not. (A call with headers of its
        // own, such as a trace request, is never shared.)
        const identity = context?.identity;
        response = await this.options.inflight.share(`${this.url}\n${identity?.sub ?? ''}\n${identity?.role ?? ''}\n${body}`, send);
      } else {
        response = await send();
      }
      parsed = this.parse(response);
    } catch (error) {
      this.didEncounterError(error as Error);
      throw error;
    }

    // A subgraph's cache-control restricts the whole response's, as RemoteGraphQLDataSource does.
    const policy = incoming?.overallCachePolicy;
    if (policy && 'restrict' in policy) policy.restrict(cacheHint(response.headers.get('cache-control')));
    const answer = { ...parsed, http: response as never };
    return deduped ? spreadEntities(answer, deduped) : answer;
  }

  /** A fresh object per caller (shared calls hand the same text to several), or the error to throw. */
  private parse(response: SubgraphHttpResponse): GatewayResponse {
    if (response.status < 200 || response.status > 299) throw this.errorFromResponseSync(response);
    const contentType = response.headers.get('content-type');
    const parsed: unknown =
      contentType && (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json')) ? JSON.parse(response.text) : response.text;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    return parsed as GatewayResponse;
  }

  /**
   * A subgraph that answers non-2xx: keep its own GraphQL error (and code) when it sent one,
   * and never pass on the response object, which would show clients the internal URL.
   */
  override async errorFromResponse(response: Pick<FetcherResponse, 'status' | 'json'>): Promise<GraphQLError> {
    const body: unknown = await response.json().catch(() => undefined);
    return this.errorFromBody(response.status, body);
  }

  private errorFromResponseSync(response: SubgraphHttpResponse): GraphQLError {
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      body = undefined;
    }
    return this.errorFromBody(response.status, body);
  }

  private errorFromBody(status: number, body: unknown): GraphQLError {
    const first = (body as { errors?: { message?: unknown; extensions?: Record<string, unknown> }[] } | undefined)?.errors?.[0];
    const code =
      typeof first?.extensions?.code === 'string'
        ? first.extensions.code
        : status === 401
          ? ErrorCode.Unauthenticated
          : status === 403
            ? ErrorCode.Forbidden
            : ErrorCode.SubgraphUnavailable;
    const message = typeof first?.message === 'string' ? first.message : `The ${this.serviceName} service answered ${status}`;
    // The subgraph's details stay (a refused argument's path and rule); formatErrorForClient still decides what a client sees.
    const details = typeof first?.extensions === 'object' && first.extensions !== null ? first.extensions : {};
    return new GraphQLError(message, { extensions: { ...details, code, serviceName: this.serviceName } });
  }

  /** Network failures (refused, reset, DNS) become SUBGRAPH_UNAVAILABLE, and no answer in time SUBGRAPH_TIMEOUT, instead of an opaque internal error. */
  override didEncounterError(error: Error): void {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof SubgraphTimeoutError) {
      throw new GraphQLError(`The ${this.serviceName} service did not answer within ${error.timeoutMs} ms`, {
        extensions: { code: ErrorCode.SubgraphTimeout, serviceName: this.serviceName },
      });
    }
    throw new GraphQLError(`The ${this.serviceName} service is unavailable`, {
      originalError: error,
      extensions: { code: ErrorCode.SubgraphUnavailable, serviceName: this.serviceName },
    });
  }
}

/** `max-age` and `public`/`private` of a Cache-Control header, read as RemoteGraphQLDataSource reads them. */
function cacheHint(header: string | null): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (!header) return hint;
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [name, value] = part.split(/\s*=\s*/, 2) as [string, string | undefined];
    if (name === 'max-age' && value !== undefined && /^[0-9]+$/.test(value.replace(/^"|"$/g, ''))) hint.maxAge = Number(value.replace(/^"|"$/g, ''));
    else if (name === 'private' && value === undefined) hint.scope = 'PRIVATE';
    else if (name === 'public' && value === undefined) hint.scope = 'PUBLIC';
  }
  return hint;
}
