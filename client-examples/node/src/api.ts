/**
 * One customer's, manufacturer's or operator's connection to the gateway: Apollo Client over HTTP
 * for queries and mutations, a graphql-ws client for subscriptions. The operations are the files
 * in client-examples/operations, named without `.graphql`.
 */
import { ApolloClient, HttpLink, InMemoryCache, type DocumentNode, type OperationVariables } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { operation, operationDocument, type OperationName, type OperationNameOf, type ResultOf, type VariablesOf } from '../../operations/index.js';
import possibleTypes from '../../operations/generated/possible-types.js';
import type { SessionKeeper } from './session.js';

export const DEFAULT_GATEWAY_URL = 'http://localhost:4000/graphql';

export interface ApiOptions {
  /** The gateway's GraphQL URL; graphql-ws is served on the same URL. */
  url: string;
  /** A fixed bearer token (one that outlives the run, or a development token from `npm run token`). */
  token?: string;
  /** A signed-in session: its access token is refreshed before it runs out, for HTTP and for graphql-ws. */
  session?: SessionKeeper;
}

/** A subscription event: data, or the errors the gateway answered with. */
export type SubscriptionEvent<T> = { data: T } | { errors: ReadonlyArray<{ message: string }> };

export interface Api {
  /** Runs a query or mutation file by name: its result and variables are typed from the file (generated/graphql.ts). */
  query<N extends OperationNameOf<'query'>>(name: N, variables?: VariablesOf<N>): Promise<ResultOf<N>>;
  mutate<N extends OperationNameOf<'mutation'>>(name: N, variables?: VariablesOf<N>): Promise<ResultOf<N>>;
  /** Runs until the server completes it or `signal` aborts; calls `onEvent` for each event. */
  subscribe<N extends OperationNameOf<'subscription'>>(
    name: N,
    variables: VariablesOf<N>,
    onEvent: (event: SubscriptionEvent<ResultOf<N>>) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Same API as another caller (e.g. a customer after registering). */
  withToken(token: string): Api;
  /** Same API, signed in with a session that keeps itself fresh. */
  withSession(session: SessionKeeper): Api;
  /** Closes the subscription socket, if one was opened. */
  close(): Promise<void>;
}

// Apollo Client's own generics want each document's exact type; the Api's signature carries it instead.
const document = (name: OperationName): DocumentNode => operationDocument(name);

/** ws://host/graphql for http://host/graphql (wss for https). */
export function subscriptionUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

export function createApi(options: ApiOptions): Api {
  // Asked before every request and every (re)connection, so that a refreshed token is used from then on.
  const authorization = async (): Promise<Record<string, string>> => {
    const token = options.session ? await options.session.accessToken() : options.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const apollo = new ApolloClient({
    link: new SetContextLink(async (previous) => ({ headers: { ...previous.headers, ...(await authorization()) } })).concat(new HttpLink({ uri: options.url, fetch })),
    cache: new InMemoryCache({ possibleTypes: possibleTypes.possibleTypes }),
    // A command-line run reads each thing once: no normalised cache to keep consistent.
    defaultOptions: { query: { fetchPolicy: 'no-cache' }, mutate: { fetchPolicy: 'no-cache' } },
  });
  let ws: WsClient | null = null;
  const wsClient = () =>
    (ws ??= createClient({
      url: subscriptionUrl(options.url),
      webSocketImpl: WebSocket,
      // The gateway reads the token from connection_init, as HTTP reads the Authorization header. When
      // it closes the socket because the token ran out (4403), graphql-ws retries: this is read again,
      // a fresh token goes out, and every subscription in progress is subscribed again.
      connectionParams: authorization,
      lazy: true,
      retryAttempts: 3,
    }));

  return {
    async query(name, variables) {
      const result = await apollo.query({ query: document(name), variables: variables as OperationVariables | undefined });
      return result.data as ResultOf<typeof name>;
    },
    async mutate(name, variables) {
      const result = await apollo.mutate({ mutation: document(name), variables: variables as OperationVariables | undefined });
      return result.data as ResultOf<typeof name>;
    },
    subscribe(name, variables, onEvent, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return resolve();
        let settled = false;
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve();
        };
        const dispose = wsClient().subscribe(
          { query: operation(name), variables: variables as Record<string, unknown> },
          {
            next: (result) => onEvent(result.errors?.length ? { errors: result.errors } : { data: result.data as ResultOf<typeof name> }),
            error: (error) => finish(Array.isArray(error) ? new SubscriptionRefused(name, error) : error instanceof Error ? error : new Error(describeCloseEvent(error))),
            complete: () => finish(),
          },
        );
        const onAbort = () => {
          dispose();
          finish();
        };
        signal?.addEventListener('abort', onAbort);
      });
    },
    withToken: (token) => createApi({ url: options.url, token }),
    withSession: (session) => createApi({ url: options.url, session }),
    async close() {
      apollo.stop();
      await ws?.dispose();
    },
  };
}

/** The gateway refused the subscription (unknown field, not allowed): its GraphQL errors, by message. */
export class SubscriptionRefused extends Error {
  constructor(
    public readonly operationName: string,
    public readonly errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>,
  ) {
    super(`${operationName} refused: ${errors.map((e) => e.message).join('; ')}`);
    this.name = 'SubscriptionRefused';
  }
}

/** graphql-ws reports a refused or lost socket as a CloseEvent. */
function describeCloseEvent(error: unknown): string {
  const e = error as { code?: number; reason?: string; message?: string };
  if (e?.code) return `socket closed with ${e.code}${e.reason ? ` (${e.reason})` : ''}`;
  return e?.message ?? String(error);
}
