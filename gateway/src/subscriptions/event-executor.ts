/**
 * Resolves one subscription event as a federated query would: runs `Sequence[primary, rest]`
 * through @apollo/gateway's executeQueryPlan, the primary fetch answered by the event itself and
 * every other fetch (the `_entities` batches) sent to its subgraph as usual.
 */
import { executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Identity } from '@distribution/auth';
import type { Logger } from '@distribution/logging';
import type { GatewayContext } from '../context.js';
import type { SubscriptionPlan } from './planner.js';
import { formatErrors, internalError } from './subscription-errors.js';

type ServiceMap = Parameters<typeof executeQueryPlan>[1];
type RequestContext = Parameters<typeof executeQueryPlan>[2];

/** One event as the owning subgraph sent it (a graphql-ws `next` payload). */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** What the client receives for one event. */
export interface ResolvedEvent {
  data: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

export interface EventScope {
  identity: Identity | null;
  requestId: string;
  variables: Record<string, unknown>;
  /** The gateway's data sources by subgraph name (identity and credential forwarding included). */
  dataSources: Readonly<Record<string, GraphQLDataSource>>;
  logger: Logger;
}

/** A data source for the owning subgraph that answers with the event instead of calling it. */
function answeredBy(event: UpstreamEvent): GraphQLDataSource {
  return {
    // A copy: executeQueryPlan merges entity fields into what it gets, and one event feeds several plans.
    process: async () => ({ data: event.data ? structuredClone(event.data) : event.data, errors: event.errors }),
  };
}

/** Resolves one event for one plan; never throws (a failure is an error in the result). */
export async function resolveEvent(plan: SubscriptionPlan, event: UpstreamEvent, scope: EventScope): Promise<ResolvedEvent> {
  const serviceMap: ServiceMap = { ...scope.dataSources, [plan.primary.serviceName]: answeredBy(event) };
  const context: GatewayContext = { requestId: scope.requestId, identity: scope.identity, requestLog: {} };
  // The fields executeQueryPlan and RemoteGraphQLDataSource read, as ApolloGateway's executor passes them.
  const requestContext = {
    request: { query: plan.source, operationName: plan.operationName ?? undefined, variables: scope.variables },
    context,
    logger: scope.logger,
    schema: plan.operationContext.schema,
    document: plan.document,
    source: plan.source,
    operationName: plan.operationName,
    operation: plan.operation,
    queryHash: plan.key,
    metrics: {},
  } as unknown as RequestContext;
  const logUnexpected = (error: GraphQLError) =>
    scope.logger.error({ requestId: scope.requestId, err: error.originalError ?? error, path: error.path, code: error.extensions?.code }, error.message);
  try {
    const result = await executeQueryPlan(plan.eventPlan, serviceMap, requestContext, plan.operationContext, plan.supergraphSchema, plan.apiSchema);
    const resolved: ResolvedEvent = { data: (result.data as Record<string, unknown> | null | undefined) ?? null };
    if (result.errors?.length) resolved.errors = formatErrors(result.errors, logUnexpected);
    return resolved;
  } catch (error) {
    scope.logger.error({ requestId: scope.requestId, err: error }, 'resolving a subscription event failed');
    return { data: null, errors: internalError() };
  }
}
