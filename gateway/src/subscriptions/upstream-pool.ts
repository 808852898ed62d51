/**
 * Subscriptions the gateway holds on subgraphs, over graphql-ws. Identical ones (same subgraph,
 * operation text, variables and access scope) share one upstream subscription; a lost subgraph is
 * retried with backoff and given up on after a bound.
 */
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { GraphQLFormattedError } from 'graphql';
import { identityToHeaders, type Identity } from '@distribution/auth';
import { REQUEST_ID_HEADER, type Logger } from '@distribution/logging';
import type { UpstreamEvent } from './event-executor.js';
import type { UpstreamListener } from './event-fanout.js';
import { countEvent } from './metrics.js';
import { formatUpstreamErrors, subgraphUnavailable } from './subscription-errors.js';

export interface UpstreamPoolOptions {
  internalCredential: string;
  logger: Logger;
  /** How long a subgraph may stay unreachable before its subscriptions end with SUBGRAPH_UNAVAILABLE. */
  unavailableAfterMs: number;
  /** Reconnection backoff: doubles from min up to max, with jitter. */
  retryDelayMs: { min: number; max: number };
}

export interface UpstreamRequest {
  serviceName: string;
  /** The subgraph's HTTP GraphQL URL; graphql-ws listens on the same URL. */
  url: string;
  query: string;
  variables: Record<string, unknown>;
  identity: Identity | null;
  /** Sent to the subgraph as x-request-id, so its logs line up with the gateway's. */
  requestId: string;
  /** What an event is about, when the latest event per key should be replayed to listeners joining later. */
  replayKey?: (data: UpstreamEvent['data']) => string | undefined;
}

/** The access scope: only subscriptions of the same caller (or of anonymous callers) are shared. */
export const scopeOf = (identity: Identity | null) => (identity ? `${identity.role}:${identity.sub}` : 'anonymous');

/** Close codes after which retrying cannot help: the subgraph refuses the gateway itself. */
const NOT_RETRIED = new Set([4400, 4401, 4403, 4406]);

/** How often an idle upstream connection is pinged; a pong that does not come within the ack bound ends it (then it is retried). */
const UPSTREAM_PING_INTERVAL_MS = 12_000;
/** Our close code for an upstream that stopped answering pings (graphql-ws leaves 44xx to applications). */
const NO_PONG_CLOSE_CODE = 4408;

/**
 * `ws` with a bound on the opening handshake (graphql-ws constructs sockets itself, so the bound is
 * baked into the class): a subgraph that accepts TCP and never upgrades is given up on and retried.
 */
export class UpstreamPool {
  private readonly connections = new Map<string, UpstreamConnection>();
  private readonly streams = new Map<string, SharedStream>();

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** Upstream subscriptions open now. */
  get size(): number {
    return this.streams.size;
  }

  /** Feeds `listener` from the shared upstream subscription for `request`, opening it if needed; returns the leave function. */
  subscribe(request: UpstreamRequest, listener: UpstreamListener): () => void {
    const scope = scopeOf(request.identity);
    const key = JSON.stringify([request.serviceName, request.url, request.query, request.variables, scope]);
    let stream = this.streams.get(key);
    if (!stream) {
      const connectionKey = JSON.stringify([request.serviceName, request.url, scope]);
      let connection = this.connections.get(connectionKey);
      if (!connection) {
        connection = new UpstreamConnection(request, this.options, () => this.connections.delete(connectionKey));
        this.connections.set(connectionKey, connection);
      }
      stream = new SharedStream(request, connection, this.options.logger, () => this.streams.delete(key));
      this.streams.set(key, stream);
    }
    stream.add(listener);
    const joined = stream;
    return () => joined.remove(listener);
  }

  /** Ends every upstream subscription (supergraph reload, shutdown); listeners get `errors`, or complete. */
  endAll(errors?: readonly GraphQLFormattedError[]): void {
    for (const stream of [...this.streams.values()]) stream.end(errors);
  }
}

/** One graphql-ws client per (subgraph, access scope): the identity travels in its connectionParams. */
class UpstreamConnection {
  readonly streams = new Set<SharedStream>();
  readonly client: Client;
  private unavailableTimer?: NodeJS.Timeout;
  private disposed = false;
  private lostAt?: number;

  constructor(
    request: UpstreamRequest,
    private readonly options: UpstreamPoolOptions,
    private readonly onDisposed: () => void,
  ) {
    const { serviceName } = request;
    const logger = options.logger;
    const connectionParams = { ...identityToHeaders(request.identity, options.internalCredential), [REQUEST_ID_HEADER]: request.requestId };
    const { min, max } = options.retryDelayMs;
    // Each step of connecting waits at most this long: the handshake, the ack, a pong.
    const stepTimeoutMs = Math.max(1000, Math.min(5000, options.unavailableAfterMs));
    let socket: WebSocket | undefined;
    let pongTimer: NodeJS.Timeout | undefined;
    this.client = createClient({
      url: toWebSocketUrl(request.url),
      // The subgraph checks the credential on the upgrade request, before reading any frame; the
      // opening handshake has a bound of its own (graphql-ws only bounds the ack).
      webSocketImpl: upstreamWebSocket(connectionParams, stepTimeoutMs),
      connectionParams,
      // The bound is ours (unavailableAfterMs), not a number of attempts.
      retryAttempts: Number.POSITIVE_INFINITY,
      // graphql-ws only retries close events by default; a refused TCP connection is an error event, and worth retrying too.
      shouldRetry: (errOrClose) => !(isCloseEvent(errOrClose) && NOT_RETRIED.has(errOrClose.code)),
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(max, min * 2 ** retries) * (0.5 + Math.random() / 2))),
      connectionAckWaitTimeout: stepTimeoutMs,
      // A subgraph that went silent (a half-open TCP connection) would otherwise starve its subscriptions unnoticed.
      keepAlive: UPSTREAM_PING_INTERVAL_MS,
      on: {
        opened: (opened) => {
          socket = opened as WebSocket;
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(pongTimer);
          pongTimer = setTimeout(() => {
            if (socket?.readyState === WebSocket.OPEN) socket.close(NO_PONG_CLOSE_CODE, 'No pong');
          }, stepTimeoutMs);
          pongTimer.unref();
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        connected: () => {
          clearTimeout(this.unavailableTimer);
          this.unavailableTimer = undefined;
          if (this.lostAt !== undefined) logger.info({ subgraph: serviceName, downMs: Date.now() - this.lostAt }, 'subgraph subscriptions reconnected');
          this.lostAt = undefined;
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          if (this.disposed) return;
          if (this.lostAt === undefined) {
            this.lostAt = Date.now();
            logger.warn({ subgraph: serviceName, code: (event as { code?: number }).code }, 'subgraph subscription connection lost; retrying');
          }
          this.startUnavailableTimer(serviceName);
        },
      },
    });
    this.startUnavailableTimer(serviceName);
  }

  /** Runs while the connection is not up (first connect included); reset by a successful connect. */
  private startUnavailableTimer(serviceName: string): void {
    if (this.unavailableTimer || this.disposed) return;
    this.unavailableTimer = setTimeout(() => {
      this.unavailableTimer = undefined;
      this.options.logger.error({ subgraph: serviceName, afterMs: this.options.unavailableAfterMs }, 'subgraph unreachable; ending its subscriptions');
      for (const stream of [...this.streams]) stream.end(subgraphUnavailable(serviceName));
    }, this.options.unavailableAfterMs);
    this.unavailableTimer.unref();
  }

  release(stream: SharedStream): void {
    this.streams.delete(stream);
    if (this.streams.size > 0 || this.disposed) return;
    this.disposed = true;
    clearTimeout(this.unavailableTimer);
    this.onDisposed();
    // dispose() waits for a pending connection attempt and rejects when that attempt fails: nothing to report then.
    Promise.resolve(this.client.dispose()).catch(() => {});
  }
}

/** One upstream subscription and the listeners it feeds. */
class SharedStream {
  private readonly listeners = new Set<UpstreamListener>();
  private readonly latest = new Map<string, UpstreamEvent>();
  private readonly unsubscribe: () => void;
  private finished = false;

  constructor(
    private readonly request: UpstreamRequest,
    private readonly connection: UpstreamConnection,
    logger: Logger,
    private readonly onFinished: () => void,
  ) {
    connection.streams.add(this);
    const { serviceName } = request;
    const upstreamErrors = (errors: readonly GraphQLFormattedError[]) =>
      formatUpstreamErrors(errors, serviceName, (error) =>
        logger.error({ subgraph: serviceName, requestId: request.requestId, error }, 'subgraph refused a subscription without a known code'),
      );
    this.unsubscribe = connection.client.subscribe<Record<string, unknown>>(
      { query: request.query, variables: request.variables },
      {
        next: (event) => {
          if (this.finished) return;
          countEvent(serviceName);
          // A subscribe resolver that throws (FORBIDDEN, UNAUTHENTICATED) yields errors and no data, then complete: that ends it.
          if (event.data === undefined && event.errors?.length) return this.end(upstreamErrors(event.errors));
          const key = request.replayKey?.(event.data);
          if (key !== undefined) this.latest.set(key, event);
          for (const listener of this.listeners) listener.event(event);
        },
        error: (error) => {
          if (this.finished) return;
          if (isFormattedErrors(error)) return this.end(upstreamErrors(error));
          logger.error({ subgraph: serviceName, err: error }, 'subgraph subscription failed');
          this.end(subgraphUnavailable(serviceName));
        },
        complete: () => this.end(),
      },
    );
  }

  add(listener: UpstreamListener): void {
    for (const event of this.latest.values()) listener.event(event);
    this.listeners.add(listener);
  }

  remove(listener: UpstreamListener): void {
    if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
    this.finish();
  }

  end(errors?: readonly GraphQLFormattedError[]): void {
    if (this.finished) return;
    const listeners = [...this.listeners];
    this.finish();
    for (const listener of listeners) listener.end(errors);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.listeners.clear();
    this.onFinished();
    // Not from inside graphql-ws's own callback: a refusal's `next` and the `complete` behind it are
    // often read together, and unsubscribing between them releases the subscription twice, which
    // closes the connection (code 1000) under every other subscription of this caller.
    setImmediate(this.unsubscribe);
    this.connection.release(this);
  }
}

/** A WebSocket class (for graphql-ws) whose sockets send `headers` with their upgrade request. */
/** The WebSocket graphql-ws opens upstream: the gateway's headers on the upgrade, and a bounded opening handshake. */
function upstreamWebSocket(headers: Record<string, string>, handshakeTimeout: number) {
  return class extends WebSocket {
    constructor(address: string | URL | null, protocols?: string | string[]) {
      super(address as string | URL, protocols, { headers, handshakeTimeout });
    }
  };
}

function toWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

function isFormattedErrors(value: unknown): value is GraphQLFormattedError[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'object' && item !== null && 'message' in item);
}
