/**
 * One client socket speaking graphql-transport-ws: connection_init with the token, ping/pong,
 * subscribe/complete, every failure answered with the protocol's messages and close codes.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { MessageType, parseMessage, stringifyMessage, type Message, type SubscribeMessage } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import type { TokenVerifier, VerifiedIdentity } from '@distribution/auth';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from '@distribution/logging';
import { ClientQueue } from './client-queue.js';
import { countDelivered, countSlowClientClose } from './metrics.js';
import { CloseReason, SubscriptionCloseCode, subscriberAlreadyExists } from './close-codes.js';
import type { Subscriber } from './event-fanout.js';
import { internalError, tooManySubscriptions } from './subscription-errors.js';
import type { SubscriptionRouter } from './subscription-router.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ConnectionLimits {
  maxSubscriptionsPerConnection: number;
  maxQueuedMessages: number;
  sendHighWaterMarkBytes: number;
  connectionInitWaitTimeoutMs: number;
}

export interface ConnectionDeps {
  /** The current router (it changes on reload). */
  router: () => SubscriptionRouter;
  verifyToken: TokenVerifier;
  logger: Logger;
  limits: ConnectionLimits;
}

/** A subscription id the client holds: being started (no stop yet) or running. */
interface Held {
  stop?: () => void;
}

export class ClientConnection {
  readonly requestId: string;
  private readonly held = new Map<string, Held>();
  private readonly queue: ClientQueue;
  private readonly logger: Logger;
  private identity: VerifiedIdentity | null = null;
  private initReceived = false;
  private acknowledged = false;
  private closed = false;
  private readonly initTimer: NodeJS.Timeout;
  /** Closes the connection when its token expires (scheduled at connection_init). */
  private expiryTimer?: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    request: IncomingMessage,
    private readonly deps: ConnectionDeps,
  ) {
    this.requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    this.logger = deps.logger.child({ requestId: this.requestId });
    const { limits } = deps;
    this.queue = new ClientQueue(ws, { maxQueued: limits.maxQueuedMessages, highWaterMarkBytes: limits.sendHighWaterMarkBytes }, () => {
      this.logger.warn({ subscriptions: this.held.size, coalesced: this.queue.coalesced }, 'closing a client too slow for its events');
      countSlowClientClose();
      this.close(SubscriptionCloseCode.TooSlow, CloseReason.TooSlow);
    });
    this.initTimer = setTimeout(() => {
      if (!this.initReceived) this.close(SubscriptionCloseCode.ConnectionInitialisationTimeout, CloseReason.ConnectionInitialisationTimeout);
    }, limits.connectionInitWaitTimeoutMs);
    ws.on('message', (data) => {
      try {
        this.receive(data);
      } catch (error) {
        // A throw here would reach the socket's emitter and take the process down with it.
        this.logger.error({ err: error }, 'handling a client message failed');
        this.close(SubscriptionCloseCode.InternalServerError, CloseReason.InternalServerError);
      }
    });
    ws.once('close', () => this.dispose());
    ws.on('error', (error) => this.logger.debug({ err: error }, 'client socket error'));
  }

  /** Subscriptions this client holds. */
  get subscriptionCount(): number {
    return this.held.size;
  }

  close(code: number, reason: string): void {
    this.dispose();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.initTimer);
    clearTimeout(this.expiryTimer);
    const held = [...this.held.values()];
    this.held.clear();
    for (const subscription of held) subscription.stop?.();
  }

  private receive(data: RawData): void {
    if (this.closed) return;
    let message: Message;
    try {
      message = parseMessage(String(data));
    } catch {
      return this.close(SubscriptionCloseCode.BadRequest, CloseReason.BadRequest);
    }
    switch (message.type) {
      case MessageType.ConnectionInit:
        return void this.init(message.payload).catch((error: unknown) => {
          this.logger.error({ err: error }, 'connection_init failed');
          this.close(SubscriptionCloseCode.InternalServerError, CloseReason.InternalServerError);
        });
      case MessageType.Ping:
        return this.send(stringifyMessage(message.payload ? { type: MessageType.Pong, payload: message.payload } : { type: MessageType.Pong }));
      case MessageType.Pong:
        return;
      case MessageType.Subscribe:
        return this.subscribe(message);
      case MessageType.Complete: {
        const held = this.held.get(message.id);
        this.held.delete(message.id);
        return held?.stop?.();
      }
      default:
        // Messages only a server may send.
        return this.close(SubscriptionCloseCode.BadRequest, CloseReason.BadRequest);
    }
  }

  private async init(payload: Record<string, unknown> | undefined): Promise<void> {
    if (this.initReceived) return this.close(SubscriptionCloseCode.TooManyInitialisationRequests, CloseReason.TooManyInitialisationRequests);
    this.initReceived = true;
    const authorization = payload?.authorization ?? payload?.Authorization;
    try {
      if (authorization !== undefined && authorization !== null && typeof authorization !== 'string') throw new Error('authorization is not a string');
      this.identity = await this.deps.verifyToken(authorization as string | undefined);
    } catch (error) {
      this.logger.info({ reason: (error as Error).message }, 'subscription connection refused: bad token');
      return this.close(SubscriptionCloseCode.Forbidden, CloseReason.Forbidden);
    }
    if (this.closed) return;
    this.closeWhenExpired(this.identity?.expiresAt);
    if (this.closed) return;
    this.acknowledged = true;
    this.send(stringifyMessage({ type: MessageType.ConnectionAck }));
    this.logger.debug({ sub: this.identity?.sub, role: this.identity?.role }, 'subscription connection acknowledged');
  }

  /** A token vouches for its holder until it expires; past that, not one more private event. */
  private closeWhenExpired(expiresAt: number | undefined): void {
    if (expiresAt === undefined) return;
    const remaining = expiresAt - Date.now();
    if (remaining <= 0) return this.close(SubscriptionCloseCode.TokenExpired, CloseReason.TokenExpired);
    // setTimeout holds at most ~24.8 days; a longer token is looked at again then.
    this.expiryTimer = setTimeout(() => this.closeWhenExpired(expiresAt), Math.min(remaining, MAX_TIMER_MS));
  }

  private subscribe({ id, payload }: SubscribeMessage): void {
    if (!this.acknowledged) return this.close(SubscriptionCloseCode.Unauthorized, CloseReason.Unauthorized);
    if (this.held.has(id)) return this.close(SubscriptionCloseCode.SubscriberAlreadyExists, subscriberAlreadyExists(id));
    const { maxSubscriptionsPerConnection } = this.deps.limits;
    if (this.held.size >= maxSubscriptionsPerConnection) return this.sendError(id, tooManySubscriptions(maxSubscriptionsPerConnection));

    const router = this.deps.router();
    const prepared = router.prepare(payload.query, payload.operationName, payload.variables);
    if ('errors' in prepared) return this.sendError(id, prepared.errors);

    const held: Held = {};
    this.held.set(id, held);
    const current = () => this.held.get(id) === held;
    const end = (message: string) => {
      if (!current()) return;
      this.held.delete(id);
      this.send(message);
    };
    const idJson = JSON.stringify(id);
    const { coalesce } = prepared.plan;
    const subscriber: Subscriber = {
      next: (message, key) => {
        if (!current()) return;
        this.queue.push(message.for(idJson), id, coalesce ? key : undefined);
        countDelivered();
      },
      error: (errors) => end(stringifyMessage({ id, type: MessageType.Error, payload: errors })),
      complete: () => end(stringifyMessage({ id, type: MessageType.Complete })),
    };
    let stop: () => void;
    try {
      stop = router.subscribe(prepared, { identity: this.identity, requestId: this.requestId }, subscriber);
    } catch (error) {
      this.logger.error({ err: error, id, field: prepared.plan.rootField }, 'starting a subscription failed');
      return subscriber.error(internalError());
    }
    if (current()) held.stop = stop;
    else stop();
    this.logger.debug({ id, operationName: prepared.plan.operationName, field: prepared.plan.rootField }, 'subscription started');
  }

  private sendError(id: string, errors: readonly GraphQLFormattedError[]): void {
    this.send(stringifyMessage({ id, type: MessageType.Error, payload: errors }));
  }

  private send(text: string): void {
    this.queue.push(text);
  }
}
