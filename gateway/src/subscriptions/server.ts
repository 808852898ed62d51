/** The gateway's graphql-ws endpoint: accepts client sockets on the GraphQL path and runs federated subscriptions for them. */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import type { TokenVerifier } from '@distribution/auth';
import type { Logger } from '@distribution/logging';
import { MAX_BODY_BYTES } from '../http-adapter.js';
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
    // ws would take 100 MiB per message; a subscribe message is an HTTP request body by another road.
    maxPayload: MAX_BODY_BYTES,
    // ws's default, said here because the fan-out writes prebuilt uncompressed frames (text-frame.ts);
    // compressing each client's copy would also cost more CPU than the send itself.
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false),
  });

  // noServer + our own upgrade listener, so that other paths get a plain 404 and close() can detach.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
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
    connections.set(ws, new ClientConnection(ws, req, {
      router: () => router,
      verifyToken: options.verifyToken,
      logger,
      limits: tuning,
    }));
    ws.once('close', () => connections.delete(ws));
  });

  // A client that vanished without a FIN (a sleeping laptop) is noticed here, and its subscriptions freed.
  const heartbeat = tuning.keepAliveMs > 0 ? setInterval(() => {
    for (const ws of connections.keys()) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, tuning.keepAliveMs) : undefined;
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
    close: () => (closing ??= (async () => {
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

/** Options left undefined keep their defaults. */
function definedOnly(options: Partial<SubscriptionTuning>): Partial<SubscriptionTuning> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
