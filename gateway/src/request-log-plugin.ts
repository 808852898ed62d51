/** Records each operation's name and error codes on the context, and logs unexpected errors with their request id. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Logger } from '@distribution/logging';
import type { GatewayContext } from './context.js';

const UNEXPECTED = new Set([undefined, 'INTERNAL_SERVER_ERROR', 'DOWNSTREAM_SERVICE_ERROR']);

/** What the plugin does with a request's errors; the fast path (fast-path.ts) calls it too. */
export function recordErrors(logger: Logger, contextValue: GatewayContext, errors: readonly GraphQLError[]): void {
  contextValue.requestLog.errorCodes = errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  for (const error of errors) {
    const code = error.extensions?.code as string | undefined;
    // Clients see a generic message for these (formatErrorForClient); the log keeps the detail.
    if (UNEXPECTED.has(code)) {
      logger.error({ requestId: contextValue.requestId, err: error.originalError ?? error, path: error.path, code }, error.message);
    }
  }
}

export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operationName }) {
          contextValue.requestLog.operationName = operationName;
        },
        async didEncounterErrors({ errors }) {
          recordErrors(logger, contextValue, errors);
        },
      };
    },
  };
}
