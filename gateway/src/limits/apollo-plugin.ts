/** The limits in Apollo Server's pipeline: after its parse (bounded by parseOptions) and validation, before the gateway plans anything. */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql/index.js';
import type { OperationGuard } from './operation-guard.js';

/** Refuses an operation past the guard's limits with OPERATION_LIMIT_EXCEEDED and HTTP 400, as Apollo answers invalid operations. */
export function operationLimitsPlugin<C extends BaseContext>(guard: OperationGuard): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // No operation (unknown or missing name): Apollo refuses it next, before any planning.
          if (!operation) return;
          const error = guard.operationError(schema, document, operation, request.variables);
          if (error) throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
