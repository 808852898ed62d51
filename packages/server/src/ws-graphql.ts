/**
 * Internal to startSubgraph: graphql-ws on the subgraph's WebSocket server, every error shaped as
 * the HTTP path shapes it (`formatErrorForClient`): a request the client got wrong is refused with
 * the code Apollo would give it, a coded error passes, anything else reaches the client as
 * INTERNAL_SERVER_ERROR without its message or stack (the log has them, with the request id).
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { DocumentNode, GraphQLFormattedError, GraphQLSchema } from 'graphql';
// The build of graphql that Apollo, @apollo/subgraph and graphql-ws load (CommonJS): under Vite,
// plain 'graphql' is the ESM build, whose `validate` rejects their schema and whose GraphQLError
// graphql-ws does not recognise as a refusal. Node itself resolves both to this one.
import { GraphQLError, Kind, getOperationAST, parse, specifiedRules, validate, type ValidationRule } from 'graphql/index.js';
import type { Disposable } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { hasInternalCredential, identityFromHeaders } from '@distribution/auth';
import { ErrorCode, formatErrorForClient } from '@distribution/errors';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from '@distribution/logging';
import type { RequestContext } from './subgraph-server.js';
import { inputHygiene } from './input-hygiene.js';

export interface WebSocketGraphQLOptions<C extends RequestContext> {
  schema: GraphQLSchema;
  internalCredential: string;
  logger: Logger;
  createContext: (base: RequestContext) => C | Promise<C>;
  /** Run with graphql's own rules on every subscribe, as Apollo Server runs them over HTTP. */
  validationRules?: readonly ValidationRule[];
}

/** The params a connection was opened with are the headers the gateway would send over HTTP. */
type ConnectionParams = Record<string, string>;

/** Serves subscriptions (and any operation) over graphql-ws at `wsServer`. */
export function serveGraphQLOverWebSocket<C extends RequestContext>(wsServer: WebSocketServer, options: WebSocketGraphQLOptions<C>): Disposable {
  // One request id per connection (the gateway sends one), used by its contexts and its error logs alike.
  const connections = new WeakMap<object, { requestId: string; logger: Logger }>();
  const connectionOf = (ctx: { connectionParams?: Readonly<Record<string, unknown>> }) => {
    let connection = connections.get(ctx);
    if (!connection) {
      const requestId = requestIdFrom((ctx.connectionParams as ConnectionParams | undefined)?.[REQUEST_ID_HEADER]);
      connection = { requestId, logger: options.logger.child({ requestId }) };
      connections.set(ctx, connection);
    }
    return connection;
  };
  const forClient = (errors: readonly GraphQLError[], logger: Logger): GraphQLFormattedError[] => {
    const format = formatErrorForClient((formatted, original) => {
      const error = original as GraphQLError;
      logger.error({ err: error.originalError ?? error, path: formatted.path }, 'unexpected error');
    });
    return errors.map((error) => format(asUserInputError(error).toJSON(), error));
  };

  return useServer<ConnectionParams>(
    {
      // Close reasons (a failure of graphql-ws itself) never carry an error's message.
      isProd: true,
      // The upgrade already carried the credential (subgraph-server.ts); connection_init must too, as before.
      onConnect: (ctx) => hasInternalCredential(ctx.connectionParams ?? {}, options.internalCredential),
      onSubscribe: async (ctx, _id, payload) => {
        const { requestId, logger } = connectionOf(ctx);
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [coded(error as GraphQLError, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED)];
        }
        const invalid = validate(options.schema, document, [...specifiedRules, ...(options.validationRules ?? [])]);
        if (invalid.length > 0) return invalid.map((error) => coded(error, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [new GraphQLError('Name the operation to run (operationName)', { extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE } })];
        }
        const badInput = inputHygiene.check(options.schema, document, operation, payload.variables);
        if (badInput) return [badInput];
        let contextValue: C;
        try {
          const identity = identityFromHeaders((ctx.connectionParams ?? {}) as ConnectionParams);
          contextValue = await options.createContext({ identity, requestId, logger });
        } catch (error) {
          logger.error({ err: error }, 'subscription context could not be made');
          return [new GraphQLError('Something went wrong on our side; it has been logged', { extensions: { code: ErrorCode.InternalServerError } })];
        }
        return { schema: options.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors) return; // most events: sent as they are
        const { errors, ...rest } = result;
        return { ...rest, errors: forClient(errors, (args.contextValue as C).logger) };
      },
      onError: (ctx, _id, _payload, errors) => forClient(errors, connectionOf(ctx).logger),
    },
    wsServer,
  );
}

/** `error` with `code`, as Apollo codes the same failure on the HTTP path. */
function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

/** Variables that do not fit the operation are the client's mistake: BAD_USER_INPUT, as Apollo says over HTTP. */
function asUserInputError(error: GraphQLError): GraphQLError {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (error.extensions.code != null || node?.kind !== Kind.VARIABLE_DEFINITION) return error;
  if (!error.message.startsWith(`Variable "$${node.variable.name.value}" `)) return error;
  return coded(error, ErrorCode.BadUserInput);
}
