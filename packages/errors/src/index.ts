/** Every error code the API can answer with, and the one place errors are shaped for clients. */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  Conflict: 'CONFLICT',
  InternalServerError: 'INTERNAL_SERVER_ERROR',
  SubgraphUnavailable: 'SUBGRAPH_UNAVAILABLE',
  /** A subgraph did not answer within the gateway's bound (SUBGRAPH_TIMEOUT_MS); the rest of the response stands. */
  SubgraphTimeout: 'SUBGRAPH_TIMEOUT',
  SubscriptionSchemaReload: 'SUBSCRIPTION_SCHEMA_RELOAD',
  /** A live subscription ended because events it should have had may be missing (lost LISTEN, reader too slow): subscribe again. */
  LiveUpdatesInterrupted: 'LIVE_UPDATES_INTERRUPTED',
  /** Too many attempts from one client address or identity; `extensions.retryAfterSeconds` says when to try again. */
  RateLimited: 'RATE_LIMITED',
  /** The operation asks too much (size, tokens, depth, aliases, root fields, directives, cost): `extensions.limit`, `max`, `actual` say which and by how much. */
  OperationLimitExceeded: 'OPERATION_LIMIT_EXCEEDED',
  /** Sign-in refused: the email is unknown or the password is wrong (the answer never says which). */
  InvalidCredentials: 'INVALID_CREDENTIALS',
  /** The keys that verify tokens cannot be fetched right now (their JWKS is out of reach): the token may be fine; try again shortly. */
  TokenKeysUnavailable: 'TOKEN_KEYS_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes whose message is written for clients. INTERNAL_SERVER_ERROR is not one: Apollo gives that
 * code to every error that has none (a driver's, a database's), with the original message.
 */
const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.InternalServerError),
  // Codes Apollo Server itself assigns to malformed requests; they are safe to show.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function badUserInput(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, ...details } });
}
export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} was not found`, { extensions: { code: ErrorCode.NotFound, what, id } });
}
export function unauthenticated(message = 'You must be signed in to do this'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated } });
}
export function forbidden(message = 'You are not allowed to do this'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden } });
}
export function conflict(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Conflict, ...details } });
}
export function invalidCredentials(message = 'The email or the password is wrong'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.InvalidCredentials } });
}
export function tokenKeysUnavailable(message = 'Tokens cannot be checked right now: the signing keys are out of reach; try again shortly'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.TokenKeysUnavailable } });
}
export function rateLimited(retryAfterSeconds: number, message = 'Too many attempts; try again later'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RateLimited, retryAfterSeconds } });
}

/**
 * Apollo `formatError`: known codes pass through without stack traces; anything else is an
 * unexpected failure and the client sees only a generic message (the log has the detail), whatever
 * path it came by: a subgraph's own INTERNAL_SERVER_ERROR is shown as generically at the gateway.
 */
export function formatErrorForClient(onUnexpected?: (formatted: GraphQLFormattedError, original: unknown) => void) {
  return (formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const { stacktrace: _drop, exception: _drop2, http: _drop3, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) {
      return { ...formatted, extensions };
    }
    onUnexpected?.(formatted, original);
    return {
      message: 'Something went wrong on our side; it has been logged',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.InternalServerError },
    };
  };
}
