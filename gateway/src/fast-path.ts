/**
 * The common case of the HTTP path without Apollo Server's request pipeline: a JSON POST of a
 * valid query or mutation that has run before. Its parsed, validated document and its query plan
 * are kept per query text, and the plan goes straight to @apollo/gateway's executeQueryPlan with
 * the same data sources the gateway uses.
 *
 * What Apollo Server would have done for such a request is done here the same way: error
 * formatting (formatErrorForClient), the request log's operation name and error codes,
 * `cache-control: no-store` (what Apollo Server answers too: our subgraphs send no cache hints, their
 * servers run without Apollo's cache control, so no answer is ever cacheable), the response content type
 * negotiated from Accept, field order and the trailing newline of the body. Everything else is not
 * prepared (`prepare` answers undefined) and goes through Apollo Server as before: GET, other
 * content types (CSRF prevention), persisted queries, batches, parse and validation errors, unknown
 * operation names, subscriptions, introspection, @defer, bad variables, texts that input hygiene
 * refuses (input-hygiene.ts), a token that does not verify, the query plan header, a server that is
 * stopping, and an operation past the limits (limits/): Apollo Server refuses it with the limit's
 * error. gateway/test/fast-path.test.ts compares both paths response for response.
 */
import {
  GraphQLError,
  buildSchema,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { Supergraph, operationFromDocument, printSchema, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import { inputHygiene } from '@distribution/server/input-hygiene';
import type { Logger } from '@distribution/logging';
import type { GatewayContext } from './context.js';
import { recordErrors } from './request-log-plugin.js';
import { OperationGuard, gatewayErrorFormatter } from './limits/index.js';

type ServiceMap = Parameters<typeof executeQueryPlan>[1];
type RequestContext = Parameters<typeof executeQueryPlan>[2];
type OperationContext = ReturnType<typeof buildOperationContext>;

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';

/**
 * Accept headers whose outcome is known: Apollo Server's negotiation (between application/json,
 * application/graphql-response+json and the callback variant) gives these content types. Any other
 * Accept header goes through Apollo Server, which negotiates it properly.
 */
const ACCEPTED: ReadonlyMap<string, string> = new Map([
  ['*/*', JSON_TYPE],
  ['application/json', JSON_TYPE],
  ['application/json, */*', JSON_TYPE],
  ['application/json,*/*', JSON_TYPE],
  ['application/graphql-response+json', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json, application/json', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json,application/json', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json,application/json;q=0.9', GRAPHQL_RESPONSE_TYPE],
]);

/** Queries longer than this are not kept (nor fast-pathed): they are rare, and the cache holds their text. */
const MAX_CACHED_QUERY_LENGTH = 64 * 1024;

/** One operation of a cached document, ready to execute. */
interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  operationContext: OperationContext;
  queryPlan: QueryPlan;
}

/** A query text seen before: its document, and its operations by requested name ('' for none). Null: not for the fast path. */
interface CachedDocument {
  document: DocumentNode;
  operations: Map<string, PreparedOperation | null>;
}

/** The loaded supergraph: everything a plan and its execution need. */
interface Graph {
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  /** The API schema built by this module's graphql (vitest loads ESM and CJS copies; validate() needs its own). */
  validationSchema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  queryPlanner: QueryPlanner;
  serviceMap: ServiceMap;
  documents: Map<string, CachedDocument | null>;
}

export interface PreparedRequest {
  prepared: PreparedOperation;
  graph: Graph;
  query: string;
  variables: Record<string, unknown> | undefined;
  contentType: string;
}

export interface FastResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FastPathOptions {
  logger: Logger;
  /** The data source for a subgraph of the supergraph (the gateway's own, with identity forwarding). */
  dataSource(name: string, url: string | undefined): GraphQLDataSource;
  /** Production: Apollo's query plan header is not served, so it needs no detour. */
  production: boolean;
  /** How many distinct query texts to keep. */
  cacheSize?: number;
  /** The operation limits; checked once per query text, and the cost once per value of the variables it depends on. */
  guard?: OperationGuard;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Introspection (other than __typename) and incremental delivery stay with Apollo Server. */
function needsApollo(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value.startsWith('__') && node.name.value !== '__typename') found = true;
    },
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') found = true;
    },
  });
  return found;
}

/**
 * A GraphQLError of any copy of graphql: @apollo/gateway (CommonJS) creates them, and where both the
 * CommonJS and ESM copies are loaded (vitest), `instanceof` against this module's would miss them.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return (
    error instanceof GraphQLError ||
    (error instanceof Error && error.name === 'GraphQLError' && typeof (error as GraphQLError).toJSON === 'function' && typeof (error as GraphQLError).extensions === 'object')
  );
}

/** Apollo Server's normalizeAndFormatErrors with the gateway's formatError and no stack traces. */
function formatErrors(
  errors: readonly unknown[],
  head: { status?: number; headers: Record<string, string> },
  format: ReturnType<typeof gatewayErrorFormatter>,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    try {
      const graphqlError = isGraphQLError(error)
        ? error
        : error instanceof Error
          ? new GraphQLError(error.message, { originalError: error })
          : new GraphQLError(`Unexpected error value: ${String(error)}`);
      const extensions: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
      const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
      if (http && typeof http === 'object' && (!('status' in http) || typeof http.status === 'number') && (!('headers' in http) || http.headers instanceof Map)) {
        if (typeof http.status === 'number') head.status = http.status;
        if (http.headers instanceof Map) for (const [name, value] of http.headers) head.headers[String(name)] = String(value);
        delete extensions.http;
      }
      return format({ ...graphqlError.toJSON(), extensions } as GraphQLFormattedError, error);
    } catch {
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
}

export class FastPath {
  private graph: Graph | undefined;
  private readonly cacheSize: number;
  private readonly guard: OperationGuard;
  private readonly formatError: ReturnType<typeof gatewayErrorFormatter>;
  /** False once the server stops: requests then get Apollo Server's answer for a stopping server. */
  enabled = true;

  constructor(private readonly options: FastPathOptions) {
    this.cacheSize = options.cacheSize ?? 1000;
    this.guard = options.guard ?? new OperationGuard();
    this.formatError = gatewayErrorFormatter({ production: options.production });
  }

  /** Follows the supergraph the gateway serves (called from onSchemaLoadOrUpdate). */
  load(supergraphSdl: string): void {
    const supergraph = Supergraph.build(supergraphSdl, { validateSupergraph: !this.options.production });
    const apiSchema = supergraph.apiSchema();
    const serviceMap: ServiceMap = Object.create(null);
    for (const { name, url } of supergraph.subgraphsMetadata()) serviceMap[name] = this.options.dataSource(name, url);
    this.graph = {
      apiSchema,
      apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
      validationSchema: buildSchema(printSchema(apiSchema)),
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      queryPlanner: new QueryPlanner(supergraph),
      serviceMap,
      documents: new Map(),
    };
  }

  /**
   * The request, ready to execute, when it can skip Apollo Server's pipeline; undefined sends it
   * through Apollo Server. Cheap for a query seen before: a map lookup and the variables' check.
   */
  prepare(body: unknown, headers: Record<string, string | string[] | undefined>): PreparedRequest | undefined {
    const graph = this.graph;
    if (!this.enabled || !graph || !isRecord(body)) return undefined;
    const { query, operationName, variables, extensions } = body;
    if (typeof query !== 'string' || query.length === 0 || query.length > MAX_CACHED_QUERY_LENGTH) return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
    if (extensions !== undefined && extensions !== null && (!isRecord(extensions) || 'persistedQuery' in extensions)) return undefined;
    const accept = headers.accept;
    const contentType = accept === undefined || accept === '' ? JSON_TYPE : typeof accept === 'string' ? ACCEPTED.get(accept) : undefined;
    if (!contentType) return undefined;
    if (!this.options.production && headers['apollo-query-plan-experimental'] !== undefined) return undefined;

    const cached = this.documentFor(graph, query);
    if (!cached) return undefined;
    const name = typeof operationName === 'string' ? operationName : undefined;
    const key = name ?? '';
    let prepared = cached.operations.get(key);
    if (prepared === null) return undefined;
    const operation = prepared?.operation ?? getOperationAST(cached.document, name);
    if (!operation || (operation.operation !== 'query' && operation.operation !== 'mutation')) {
      cached.operations.set(key, null);
      return undefined;
    }
    // ApolloGateway checks the variables the same way before executing; wrong ones get Apollo's errors.
    const definitions = operation.variableDefinitions;
    if (definitions && definitions.length > 0) {
      const { errors } = getVariableValues(graph.validationSchema, definitions, variables ?? {});
      if (errors) return undefined;
    }
    // Before any planning: an operation over the cost limit gets Apollo Server's refusal (its plugin says why).
    if (this.guard.costError(graph.apiGraphQLSchema, cached.document, operation, isRecord(variables) ? variables : undefined)) return undefined;
    // Refused texts (control characters, too long) get Apollo Server's path, where the same check answers them.
    if (inputHygiene.check(graph.apiGraphQLSchema, cached.document, operation, variables)) return undefined;
    if (prepared === undefined) {
      prepared = this.plan(graph, cached.document, operation, name);
      cached.operations.set(key, prepared);
      if (!prepared) return undefined;
    }
    return { prepared, graph, query, variables: isRecord(variables) ? variables : undefined, contentType };
  }

  private documentFor(graph: Graph, query: string): CachedDocument | null {
    let cached = graph.documents.get(query);
    if (cached === undefined) {
      cached = this.parseAndValidate(graph, query);
      graph.documents.set(query, cached);
      if (graph.documents.size > this.cacheSize) graph.documents.delete(graph.documents.keys().next().value!);
    } else {
      // Least recently used first.
      graph.documents.delete(query);
      graph.documents.set(query, cached);
    }
    return cached;
  }

  private parseAndValidate(graph: Graph, query: string): CachedDocument | null {
    let document: DocumentNode;
    try {
      document = parse(query, this.guard.parseOptions);
    } catch {
      return null;
    }
    // The limits that need only the document run with the rest of validation, once per query text.
    if (validate(graph.validationSchema, document, [...specifiedRules, ...this.guard.rules]).length > 0 || needsApollo(document)) return null;
    return { document, operations: new Map() };
  }

  private plan(graph: Graph, document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined): PreparedOperation | null {
    try {
      const queryPlan = graph.queryPlanner.buildQueryPlan(operationFromDocument(graph.apiSchema, document, { operationName }), {
        recursiveSelectionsLimitDisabled: process.env.APOLLO_DISABLE_SECURITY_RECURSIVE_SELECTIONS_CHECK === 'true',
        nonLocalSelectionsLimitDisabled: process.env.APOLLO_DISABLE_SECURITY_NON_LOCAL_SELECTIONS_CHECK === 'true',
      });
      return {
        document,
        operation,
        operationName: operation.name?.value || null,
        operationContext: buildOperationContext({ schema: graph.apiGraphQLSchema, operationDocument: document, operationName }),
        queryPlan,
      };
    } catch {
      // Planning refused it (limits): Apollo Server reports that as it does.
      return null;
    }
  }

  /** Runs a prepared request, as Apollo Server with ApolloGateway would, and shapes the response. */
  async execute({ prepared, graph, query, variables, contentType }: PreparedRequest, context: GatewayContext): Promise<FastResponse> {
    const { logger } = this.options;
    context.requestLog.operationName = prepared.operationName;
    // The fields of Apollo's request context that executeQueryPlan and the data sources read.
    const requestContext = {
      request: { query, operationName: prepared.operationName ?? undefined, variables },
      context,
      logger,
      schema: graph.apiGraphQLSchema,
      document: prepared.document,
      source: query,
      operationName: prepared.operationName,
      operation: prepared.operation,
      metrics: {},
    } as unknown as RequestContext;

    const head: { status?: number; headers: Record<string, string> } = { headers: {} };
    let result: { data?: unknown; errors?: readonly GraphQLError[]; extensions?: unknown };
    try {
      result = await executeQueryPlan(prepared.queryPlan, graph.serviceMap, requestContext, prepared.operationContext, graph.supergraphSchema, graph.apiSchema);
    } catch (error) {
      // As Apollo Server answers an executor that throws: the error alone, status 500 unless it says otherwise.
      const errors = [
        isGraphQLError(error)
          ? error
          : new GraphQLError(error instanceof Error ? error.message : `Unexpected error value: ${String(error)}`, { originalError: error instanceof Error ? error : undefined }),
      ];
      recordErrors(logger, context, errors);
      const formatted = formatErrors(errors, head, this.formatError);
      return this.respond(head.status ?? 500, { ...head.headers, 'cache-control': 'no-store', 'content-type': contentType }, { errors: formatted });
    }

    let formatted: GraphQLFormattedError[] | undefined;
    if (result.errors) {
      recordErrors(logger, context, result.errors);
      formatted = formatErrors(result.errors, head, this.formatError);
      // Apollo Server 5: errors and no data at all (the request never ran) answer 400.
      if (result.errors.length > 0 && result.data === undefined && !head.status) head.status = 400;
    }
    return this.respond(
      head.status ?? 200,
      { ...head.headers, 'cache-control': 'no-store', 'content-type': contentType },
      { errors: formatted, data: result.data, extensions: result.extensions },
    );
  }

  private respond(status: number, headers: Record<string, string>, body: { errors?: unknown; data?: unknown; extensions?: unknown }): FastResponse {
    // Field order and trailing newline as Apollo Server writes them.
    return { status, headers, body: `${JSON.stringify({ errors: body.errors, data: body.data, extensions: body.extensions })}\n` };
  }
}
