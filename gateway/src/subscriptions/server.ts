/** The gateway's graphql-ws endpoint: accepts client sockets on the GraphQL path and runs federated subscriptions for them. */
import { STATUS_CODES, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import type { TokenVerifier } from '@distribution/auth';
import { ErrorCode } from '@distribution/errors';
import type { Logger } from '@distribution/logging';
import { CloseReason, SubscriptionCloseCode } from './close-codes.js';
import { ClientConnection } from './connection.js';
import { DEFAULT_FIELD_POLICIES, type FieldPolicy } from './field-policies.js';
import { registerStatsSource, type SubscriptionStats } from './metrics.js';
import { schemaReloaded } from './subscription-errors.js';
import { SubscriptionRouter } from './subscription-router.js';
import type { OperationGuard } from '../limits/index.js';

/** Knobs with defaults; tests turn them down to see limits in milliseconds. */
export interface SubscriptionTuning {
  maxConnections: number;
  /** Sockets open at once per client address; past it the upgrade is refused with HTTP 429. */
  maxConnectionsPerAddress: number;
  /** Largest message a client may send; a bigger frame closes the socket (1009) as soon as its header is read. */
  maxMessageBytes: number;
  maxSubscriptionsPerConnection: number;
  /** Messages held per client beyond its socket buffer before coalescing, then closing (4490). */
  maxQueuedMessages: number;
  /** Socket buffer (bytes) above which a client's messages wait in its queue. */
  sendHighWaterMarkBytes: number;
  /** How long a subgraph may stay unreachable before its subscriptions end with SUBGRAPH_UNAVAILABLE. */
  upstreamUnavailableAfterMs: number;
  /** Reconnection backoff towards subgraphs: doubles from min up to max, with jitter. */
  upstreamRetryDelayMs: { min: number; max: number };
  /** How long a client has to send connection_init. */
  connectionInitWaitTimeoutMs: number;
  /** WebSocket ping interval; a client that misses one pong is cut. 0 disables. */
  keepAliveMs: number;
  planCacheSize: number;
  fieldPolicies: Readonly<Record<string, FieldPolicy>>;
}

export const DEFAULT_TUNING: SubscriptionTuning = {
  maxConnections: 10_000,
  maxConnectionsPerAddress: 100,
  // A subscribe message carries one operation; the HTTP path's 5 MB body would be an invitation here.
  maxMessageBytes: 64 * 1024,
  maxSubscriptionsPerConnection: 50,
  maxQueuedMessages: 1000,
  sendHighWaterMarkBytes: 128 * 1024,
  upstreamUnavailableAfterMs: 10_000,
  upstreamRetryDelayMs: { min: 100, max: 2000 },
  connectionInitWaitTimeoutMs: 3000,
  keepAliveMs: 12_000,
  planCacheSize: 1000,
  fieldPolicies: DEFAULT_FIELD_POLICIES,
};

export interface SubscriptionOptions extends Partial<SubscriptionTuning> {
  logger: Logger;
  /** Same path as HTTP GraphQL, as graphql-ws clients expect. */
  path?: string;
  supergraphSdl: string;
  /** HTTP GraphQL URL of each subgraph by name (graphql-ws is on the same URL); the supergraph's routing URL for any other. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** Proves to subgraphs that the gateway is calling (connectionParams `x-internal-credential`). */
  internalCredential: string;
  /** Checks `connectionParams.authorization`, as the HTTP path checks the Authorization header. */
  verifyToken: TokenVerifier;
  /** The key connections are counted under per client (rate-limits/client-address.ts); the socket's address when unset. */
  clientAddress?: (req: IncomingMessage) => string;
  /** Counts a new connection against the address's rate; the seconds to wait when it is spent. */
  admitConnection?: (address: string) => Promise<number | undefined>;
  /** Checks an upgrade before anything else (the page's Origin); false once it has answered the socket itself. */
  acceptUpgrade?: (req: IncomingMessage, socket: Duplex) => boolean;
  /** Bound on each `_entities` call an event needs (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs?: number;
  /** The operation limits every subscribe is held to, as HTTP requests are (default limits when absent). */
  guard?: OperationGuard;
  /** No schema hints ("Did you mean") in the errors a subscribe gets. */
  production?: boolean;
}

export interface SubscriptionEndpoint {
  /** Switches to a new supergraph: every active subscription ends with SUBSCRIPTION_SCHEMA_RELOAD. No-op for the same SDL. */
  reload(supergraphSdl: string): void;
  /** This endpoint's live counts (`subscriptionStats()` sums every endpoint of the process). */
  stats(): Omit<SubscriptionStats, 'events'>;
  /** Closes every socket (1001 going away), ends upstream subscriptions and stops accepting upgrades. */
  close(): Promise<void>;
}

/** How long clients get to answer our close frame before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

export function attachSubscriptions(httpServer: HttpServer, options: SubscriptionOptions): SubscriptionEndpoint {
  const tuning: SubscriptionTuning = { ...DEFAULT_TUNING, ...definedOnly(options) };
  const { logger } = options;
  const path = options.path ?? '/graphql';
  const router = new SubscriptionRouter({
    supergraphSdl: options.supergraphSdl,
    subgraphUrls: options.subgraphUrls,
    internalCredential: options.internalCredential,
    subgraphTimeoutMs: options.subgraphTimeoutMs,
    logger,
    planCacheSize: tuning.planCacheSize,
    fieldPolicies: tuning.fieldPolicies,
    guard: options.guard,
    production: options.production ?? false,
    upstream: { unavailableAfterMs: tuning.upstreamUnavailableAfterMs, retryDelayMs: tuning.upstreamRetryDelayMs },
  });
  const connections = new Map<WebSocket, ClientConnection>();
  const alive = new WeakSet<WebSocket>();
  const wss = new WebSocketServer({
    noServer: true,
    // ws would take 100 MiB per message; ws checks a frame's length before reading its payload.
    maxPayload: tuning.maxMessageBytes,
    // ws's default, said here because the fan-out writes prebuilt uncompressed frames (text-frame.ts);
    // compressing each client's copy would also cost more CPU than the send itself.
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false),
  });

  // Sockets per client address, counted from the upgrade request until the TCP socket closes.
  const perAddress = new Map<string, number>();
  const refusalLog = throttledWarning(logger);
  // noServer + our own upgrade listener, so that other paths get a plain 404, limits refuse before
  // the handshake (nothing of the client's is read), and close() can detach.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // node:http hands the socket over without an error listener, and ws adds its own only in
    // handleUpgrade: a reset while the admission check runs would otherwise take the process down.
    socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'));
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (options.acceptUpgrade && !options.acceptUpgrade(req, socket)) return;
    const address = options.clientAddress?.(req) ?? req.socket.remoteAddress ?? 'unknown';
    const open = perAddress.get(address) ?? 0;
    if (open >= tuning.maxConnectionsPerAddress) {
      refusalLog({ address, maxConnectionsPerAddress: tuning.maxConnectionsPerAddress }, 'subscription connections refused: too many from one address');
      return refuseUpgrade(socket, 429, 'Too many connections from this address');
    }
    perAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    void (options.admitConnection?.(address) ?? Promise.resolve(undefined)).then((retryAfterSeconds) => {
      if (socket.destroyed) return;
      if (retryAfterSeconds !== undefined) {
        refusalLog({ address }, 'subscription connections refused: new connections from one address too fast');
        return refuseUpgrade(socket, 429, 'Too many new connections from this address', retryAfterSeconds);
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
  };
  httpServer.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    if (ws.protocol !== GRAPHQL_TRANSPORT_WS_PROTOCOL) {
      ws.close(SubscriptionCloseCode.SubprotocolNotAcceptable, CloseReason.SubprotocolNotAcceptable);
      return;
    }
    if (connections.size >= tuning.maxConnections) {
      logger.warn({ maxConnections: tuning.maxConnections }, 'subscription connection refused: too many connections');
      ws.close(SubscriptionCloseCode.TooManyConnections, CloseReason.TooManyConnections);
      return;
    }
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    connections.set(
      ws,
      new ClientConnection(ws, req, {
        router: () => router,
        verifyToken: options.verifyToken,
        logger,
        limits: tuning,
      }),
    );
    ws.once('close', () => connections.delete(ws));
  });

  // A client that vanished without a FIN (a sleeping laptop) is noticed here, and its subscriptions freed.
  const heartbeat =
    tuning.keepAliveMs > 0
      ? setInterval(() => {
          for (const ws of connections.keys()) {
            if (!alive.has(ws)) {
              ws.terminate();
              continue;
            }
            alive.delete(ws);
            ws.ping();
          }
        }, tuning.keepAliveMs)
      : undefined;
  heartbeat?.unref();

  const stats = () => {
    let downstreamSubscriptions = 0;
    for (const connection of connections.values()) downstreamSubscriptions += connection.subscriptionCount;
    return { connections: connections.size, downstreamSubscriptions, upstreamSubscriptions: router.upstreamCount };
  };
  const unregisterStats = registerStatsSource(stats);

  let closing: Promise<void> | undefined;
  return {
    reload(supergraphSdl) {
      if (router.reload(supergraphSdl, schemaReloaded())) logger.info('supergraph changed: active subscriptions ended with SUBSCRIPTION_SCHEMA_RELOAD');
    },
    stats,
    close: () =>
      (closing ??= (async () => {
        httpServer.off('upgrade', onUpgrade);
        clearInterval(heartbeat);
        // Sockets first: a client told "going away" resubscribes elsewhere, one told "complete" would not.
        for (const connection of connections.values()) connection.close(SubscriptionCloseCode.GoingAway, CloseReason.GoingAway);
        router.close();
        const deadline = Date.now() + CLOSE_GRACE_MS;
        while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        unregisterStats();
      })()),
  };
}

/** An HTTP refusal of an upgrade, with a GraphQL-shaped body (code RATE_LIMITED), before any WebSocket frame. */
function refuseUpgrade(socket: Duplex, status: number, message: string, retryAfterSeconds?: number): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.RateLimited, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) } }] });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Connection: close',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...(retryAfterSeconds === undefined ? [] : [`Retry-After: ${retryAfterSeconds}`]),
      '',
      body,
    ].join('\r\n'),
  );
}

/** A warning at most every 10 s with how many were swallowed meanwhile: a flood of refusals must not flood the log too. */
function throttledWarning(logger: Logger): (details: Record<string, unknown>, message: string) => void {
  let last = 0;
  let swallowed = 0;
  return (details, message) => {
    const now = Date.now();
    if (now - last < 10_000) {
      swallowed += 1;
      return;
    }
    logger.warn({ ...details, alsoRefusedSinceLastWarning: swallowed }, message);
    last = now;
    swallowed = 0;
  };
}

/** Options left undefined keep their defaults. */
function definedOnly(options: Partial<SubscriptionTuning>): Partial<SubscriptionTuning> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
