/** Every reason the gateway closes a subscription socket, with its code and the text clients see. */
import { CloseCode } from 'graphql-ws';

/**
 * graphql-ws's own codes keep their meaning (clients know them: 4401 and 4406 are fatal to the
 * graphql-ws client, 4403 is retried so a client can come back with a fresh token); the gateway's
 * additions are a standard WebSocket code (1013) and one private code (4490).
 */
export const SubscriptionCloseCode = {
  /** Shutdown: clients reconnect, to this instance or another. */
  GoingAway: 1001,
  /** maxConnections reached; the standard "try again later", which graphql-ws clients retry. */
  TooManyConnections: 1013,
  /** A message that is not graphql-transport-ws. */
  BadRequest: CloseCode.BadRequest,
  /** `subscribe` before `connection_ack`. */
  Unauthorized: CloseCode.Unauthorized,
  /** `connectionParams.authorization` holds a token that does not verify (bad, expired, wrong issuer). */
  Forbidden: CloseCode.Forbidden,
  /**
   * The token the connection was opened with has expired since: same code as Forbidden, because
   * graphql-ws clients retry 4403 and read their connectionParams again, which is what they should
   * do (with a fresh token); the reason tells the two apart.
   */
  TokenExpired: CloseCode.Forbidden,
  SubprotocolNotAcceptable: CloseCode.SubprotocolNotAcceptable,
  ConnectionInitialisationTimeout: CloseCode.ConnectionInitialisationTimeout,
  SubscriberAlreadyExists: CloseCode.SubscriberAlreadyExists,
  TooManyInitialisationRequests: CloseCode.TooManyInitialisationRequests,
  /** The client reads slower than events arrive and an event that may not be dropped would be. */
  TooSlow: 4490,
  InternalServerError: CloseCode.InternalServerError,
} as const;
export type SubscriptionCloseCode = (typeof SubscriptionCloseCode)[keyof typeof SubscriptionCloseCode];

/** Close reasons (a WebSocket close reason must stay under 123 bytes). */
export const CloseReason = {
  GoingAway: 'The server is shutting down',
  TooManyConnections: 'Too many connections; try again later',
  BadRequest: 'Invalid message received',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden: the token is invalid or expired',
  TokenExpired: 'Token expired: connect again with a fresh token',
  SubprotocolNotAcceptable: 'Subprotocol not acceptable; use graphql-transport-ws',
  ConnectionInitialisationTimeout: 'Connection initialisation timeout',
  TooManyInitialisationRequests: 'Too many initialisation requests',
  TooSlow: 'Too slow: events would be lost',
  InternalServerError: 'Internal server error',
} as const;

/** The reason sent with an already-subscribed id, worded as graphql-ws words it. */
export const subscriberAlreadyExists = (id: string) => `Subscriber for ${id} already exists`.slice(0, 120);
