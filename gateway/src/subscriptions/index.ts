/**
 * STUB: the WebSocket endpoint for subscriptions, until federated subscriptions land (another issue
 * replaces this file). It speaks just enough graphql-transport-ws to tell a client, by close code,
 * that subscriptions are not available yet, so clients fail fast instead of hanging.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import type { Logger } from '@distribution/logging';

export interface SubscriptionOptions {
  logger: Logger;
  /** Same path as HTTP GraphQL, as graphql-ws clients expect. */
  path?: string;
  maxConnections?: number;
  maxSubscriptionsPerConnection?: number;
}

export interface SubscriptionEndpoint {
  /** Closes every socket (1001 going away) and stops accepting upgrades. */
  close(): Promise<void>;
}

export const SUBSCRIPTIONS_UNAVAILABLE = 'subscriptions are not available yet';
/** How long clients get to answer our close frame before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;
const GOING_AWAY = 1001;

export function attachSubscriptions(httpServer: HttpServer, options: SubscriptionOptions): SubscriptionEndpoint {
  const path = options.path ?? '/graphql';
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false),
  });

  // noServer + our own upgrade listener, so that other paths get a plain 404 and stop() can detach.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  httpServer.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    if (ws.protocol !== GRAPHQL_TRANSPORT_WS_PROTOCOL) {
      ws.close(CloseCode.SubprotocolNotAcceptable, 'Subprotocol not acceptable');
      return;
    }
    options.logger.debug('subscription connection refused: not implemented yet');
    ws.close(CloseCode.BadRequest, SUBSCRIPTIONS_UNAVAILABLE);
  });

  return {
    async close() {
      httpServer.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(GOING_AWAY, 'server is shutting down');
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
