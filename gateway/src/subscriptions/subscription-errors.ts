/** The GraphQL errors a subscription can end with, shaped for clients in one place. */
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode, formatErrorForClient } from '@distribution/errors';
import { formatLimitError, hideSuggestions } from '../limits/index.js';

type Formatted = GraphQLFormattedError;
const toClient = formatErrorForClient();

/** Errors raised while resolving an event: known codes pass, anything else becomes a generic error (reported to `onUnexpected`). */
export function formatErrors(errors: readonly GraphQLError[], onUnexpected?: (error: GraphQLError) => void): Formatted[] {
  const format = formatErrorForClient((_formatted, original) => onUnexpected?.(original as GraphQLError));
  return errors.map((error) => format(error.toJSON(), error));
}

/** Errors a subgraph sent (already JSON): keep its message and known code, as the HTTP path does, and say which service. */
export function formatUpstreamErrors(errors: readonly Formatted[], serviceName: string, onUnexpected?: (error: Formatted) => void): Formatted[] {
  const format = onUnexpected ? formatErrorForClient((_formatted, original) => onUnexpected(original as Formatted)) : toClient;
  return errors.map((error) => format({ ...error, extensions: { ...error.extensions, serviceName } }, error));
}

export function subgraphUnavailable(serviceName: string): Formatted[] {
  return [{ message: `The ${serviceName} service is unavailable; subscribe again later`, extensions: { code: ErrorCode.SubgraphUnavailable, serviceName } }];
}

export function schemaReloaded(): Formatted[] {
  return [{ message: 'The API schema changed; subscribe again', extensions: { code: ErrorCode.SubscriptionSchemaReload } }];
}

export function tooManySubscriptions(limit: number): Formatted[] {
  return [
    {
      message: `A connection may hold at most ${limit} subscriptions; complete one first or open another connection`,
      extensions: { code: ErrorCode.BadUserInput, maxSubscriptionsPerConnection: limit },
    },
  ];
}

export function notASubscription(operation: string): Formatted[] {
  return [
    {
      message: `This socket serves subscriptions only; send a ${operation} as an HTTP POST to /graphql`,
      extensions: { code: ApolloServerErrorCode.BAD_REQUEST },
    },
  ];
}

export function parseFailed(message: string): Formatted[] {
  return [{ message, extensions: { code: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED } }];
}

/** Validation errors as the HTTP path words them; a limit keeps its own code, and production hides schema hints. */
export function validationFailed(errors: readonly GraphQLError[], { production = false } = {}): Formatted[] {
  return errors.map((error) => {
    if (error.extensions?.code === ErrorCode.OperationLimitExceeded) return formatLimitError(error);
    const formatted = { message: error.message, locations: error.locations, extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } };
    return production ? hideSuggestions(formatted) : formatted;
  });
}

/** An operation past one of the limits (size, tokens, cost), refused before it is planned. */
export function limitExceeded(error: GraphQLError): Formatted[] {
  return [formatLimitError(error)];
}

export function operationNotFound(operationName: string | null | undefined): Formatted[] {
  const message = operationName ? `Unknown operation named "${operationName}"` : 'Send exactly one operation, or name the one to run with operationName';
  return [{ message, extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE } }];
}

export function badVariables(errors: readonly GraphQLError[], { production = false } = {}): Formatted[] {
  return errors.map((error) => {
    const formatted = { message: error.message, locations: error.locations, extensions: { code: ErrorCode.BadUserInput } };
    return production ? hideSuggestions(formatted) : formatted;
  });
}

/** A text the input rules refuse (input-hygiene.ts), as the HTTP path shows it. */
export function refusedInput(error: GraphQLError): Formatted[] {
  return [toClient(error.toJSON(), error)];
}

export function internalError(): Formatted[] {
  return [{ message: 'Something went wrong on our side; it has been logged', extensions: { code: ErrorCode.InternalServerError } }];
}
