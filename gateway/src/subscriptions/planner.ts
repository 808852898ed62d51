/**
 * Turns a client's subscription into a federated plan, as @apollo/gateway plans a query: validate
 * against the API schema and the operation limits (limits/), check the variables and the cost they
 * give, then plan with the gateway's own QueryPlanner, cached per (text, operationName).
 */
import {
  GraphQLError,
  Kind,
  buildSchema,
  getOperationAST,
  getVariableValues,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Supergraph, operationFromDocument, printSchema, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { buildOperationContext } from '@apollo/gateway';
import { DEFAULT_FIELD_POLICIES, type FieldPolicy } from './field-policies.js';
import { badVariables, internalError, limitExceeded, notASubscription, operationNotFound, parseFailed, validationFailed } from './subscription-errors.js';
import { OperationGuard } from '../limits/index.js';

export type OperationContext = ReturnType<typeof buildOperationContext>;
type EventData = Record<string, unknown>;

/** Everything needed to open a subscription upstream and to resolve each of its events. */
export interface SubscriptionPlan {
  /** (operationName, text): the plan cache key. */
  key: string;
  source: string;
  document: DocumentNode;
  operationName: string | null;
  operation: OperationDefinitionNode;
  operationContext: OperationContext;
  /** The owning subgraph's part: opened once upstream, then answered by each event. */
  primary: FetchNode;
  /** `Sequence[primary, rest]`: what runs per event, with the primary fetch answered by the event. */
  eventPlan: QueryPlan;
  /** The upstream operation without its generated name, so that clients naming theirs differently share one upstream. */
  upstreamQuery: string;
  rootField: string;
  /** What an upstream event is about (see FieldPolicy.keyPath); absent when the field has no policy or the selection lacks the key. */
  eventKey?: (data: EventData | null | undefined) => string | undefined;
  coalesce: boolean;
  replayLatest: boolean;
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
}

export type PlanResult = { plan: SubscriptionPlan; variables: Record<string, unknown> } | { errors: GraphQLFormattedError[] };
export type VariablesResult = { variables: Record<string, unknown> } | { errors: GraphQLFormattedError[] };

export interface PlannerOptions {
  cacheSize?: number;
  fieldPolicies?: Readonly<Record<string, FieldPolicy>>;
  /** The operation limits (default limits when absent). */
  guard?: OperationGuard;
  /** No schema hints ("Did you mean") in validation and variable errors. */
  production?: boolean;
  onUnexpected?: (error: unknown) => void;
}

/** One per supergraph: a new supergraph gets a new planner (and an empty cache). */
export class SubscriptionPlanner {
  readonly subgraphs: readonly { name: string; url: string }[];
  private readonly apiSchema: Schema;
  private readonly apiGraphQLSchema: GraphQLSchema;
  private readonly validationSchema: GraphQLSchema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly queryPlanner: QueryPlanner;
  private readonly cache = new Map<string, SubscriptionPlan>();
  private readonly cacheSize: number;
  private readonly fieldPolicies: Readonly<Record<string, FieldPolicy>>;
  private readonly guard: OperationGuard;
  private readonly production: boolean;

  /** Throws when the SDL is not a valid supergraph. */
  constructor(
    readonly supergraphSdl: string,
    private readonly options: PlannerOptions = {},
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.subgraphs = supergraph.subgraphsMetadata();
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    // The same schema built by this module's graphql: where ESM and CJS copies of graphql are both
    // loaded (vitest), validate() refuses a schema from the other copy, which @apollo/* (CJS) build.
    this.validationSchema = buildSchema(printSchema(this.apiSchema));
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.queryPlanner = new QueryPlanner(supergraph);
    this.cacheSize = options.cacheSize ?? 1000;
    this.fieldPolicies = options.fieldPolicies ?? DEFAULT_FIELD_POLICIES;
    this.guard = options.guard ?? new OperationGuard();
    this.production = options.production ?? false;
  }

  /**
   * The plan of a subscription and its variables, coerced, or the errors to send back (size, parse,
   * validation and limits, not a subscription, variables, cost): nothing is planned before all pass.
   */
  plan(source: string, operationName: string | null | undefined, inputs?: Record<string, unknown> | null): PlanResult {
    const key = `${operationName ?? ''}\u0000${source}`;
    const cached = this.cache.get(key);
    if (cached) {
      // Re-inserted so that the Map's order is least-recently-used first.
      this.cache.delete(key);
      this.cache.set(key, cached);
      const admitted = this.admit(cached.document, cached.operation, inputs);
      return 'errors' in admitted ? admitted : { plan: cached, variables: admitted.variables };
    }
    const tooLarge = this.guard.sizeError(source);
    if (tooLarge) return { errors: limitExceeded(tooLarge) };
    let document: DocumentNode;
    try {
      document = parse(source, this.guard.parseOptions);
    } catch (error) {
      const tooManyTokens = this.guard.tokenError(error, source);
      return { errors: tooManyTokens ? limitExceeded(tooManyTokens) : parseFailed((error as Error).message) };
    }
    const validationErrors = validate(this.validationSchema, document, [...specifiedRules, ...this.guard.rules]);
    if (validationErrors.length > 0) return { errors: validationFailed(validationErrors, { production: this.production }) };
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) return { errors: operationNotFound(operationName) };
    if (operation.operation !== 'subscription') return { errors: notASubscription(operation.operation) };
    const admitted = this.admit(document, operation, inputs);
    if ('errors' in admitted) return admitted;

    let plan: SubscriptionPlan;
    try {
      plan = this.build(key, source, document, operation, operationName ?? null);
    } catch (error) {
      this.options.onUnexpected?.(error);
      return { errors: internalError() };
    }
    this.cache.set(key, plan);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return { plan, variables: admitted.variables };
  }

  /** Checks and coerces the client's variables against the operation, as a query's would be. */
  coerceVariables(plan: SubscriptionPlan, inputs: Record<string, unknown> | null | undefined): VariablesResult {
    return this.coerce(plan.operation, inputs);
  }

  /** The variables, coerced, when they fit the operation and the cost they give is within the limit. */
  private admit(document: DocumentNode, operation: OperationDefinitionNode, inputs: Record<string, unknown> | null | undefined): VariablesResult {
    const coerced = this.coerce(operation, inputs);
    if ('errors' in coerced) return coerced;
    const tooCostly = this.guard.costError(this.apiGraphQLSchema, document, operation, inputs);
    return tooCostly ? { errors: limitExceeded(tooCostly) } : coerced;
  }

  private coerce(operation: OperationDefinitionNode, inputs: Record<string, unknown> | null | undefined): VariablesResult {
    const result = getVariableValues(this.validationSchema, operation.variableDefinitions ?? [], inputs ?? {}, { maxErrors: 10 });
    if (result.errors) return { errors: badVariables(result.errors, { production: this.production }) };
    return { variables: { ...result.coerced } };
  }

  private build(key: string, source: string, document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): SubscriptionPlan {
    const queryPlan = this.queryPlanner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName: operationName ?? undefined }));
    const node = queryPlan.node;
    if (node?.kind !== 'Subscription') throw new Error(`Expected a Subscription plan, got ${node?.kind ?? 'an empty plan'}`);
    const { primary, rest } = node;
    const nodes: PlanNode[] = rest ? [primary, rest] : [primary];
    const upstreamDocument = parse(primary.operation);
    const rootField = rootFieldOf(operation);
    const policy = this.fieldPolicies[rootField];
    const keyPath = policy ? responsePath(upstreamDocument, [rootField, ...policy.keyPath]) : undefined;
    return {
      key,
      source,
      document,
      operationName,
      operation,
      operationContext: buildOperationContext({ schema: this.apiGraphQLSchema, operationDocument: document, operationName: operationName ?? undefined }),
      primary,
      eventPlan: { kind: 'QueryPlan', node: { kind: 'Sequence', nodes } },
      upstreamQuery: print(withoutOperationName(upstreamDocument)),
      rootField,
      eventKey: keyPath ? (data) => keyAt(data, keyPath) : undefined,
      coalesce: Boolean(keyPath && policy?.coalesce),
      replayLatest: Boolean(keyPath && policy?.replayLatest),
      supergraphSchema: this.supergraphSchema,
      apiSchema: this.apiSchema,
    };
  }
}

function rootFieldOf(operation: OperationDefinitionNode): string {
  // Validation guarantees a subscription selects exactly one root field, and not through a fragment spread into nothing.
  const field = operation.selectionSet.selections.find((selection): selection is FieldNode => selection.kind === Kind.FIELD);
  if (!field) throw new GraphQLError('A subscription selects exactly one field');
  return field.name.value;
}

function withoutOperationName(document: DocumentNode): DocumentNode {
  return { ...document, definitions: document.definitions.map((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? { ...definition, name: undefined } : definition)) };
}

/** The response keys (aliases included) under which `fieldNames` appear in the upstream operation; undefined when not selected. */
function responsePath(document: DocumentNode, fieldNames: readonly string[]): string[] | undefined {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const find = (set: SelectionSetNode | undefined, name: string): FieldNode | undefined => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.name.value === name) return selection;
      const nested = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : undefined;
      const found = nested && find(nested, name);
      if (found) return found;
    }
    return undefined;
  };
  const path: string[] = [];
  let set = operation?.selectionSet;
  for (const name of fieldNames) {
    const field = find(set, name);
    if (!field) return undefined;
    path.push(field.alias?.value ?? field.name.value);
    set = field.selectionSet;
  }
  return path;
}

function keyAt(data: EventData | null | undefined, path: readonly string[]): string | undefined {
  let value: unknown = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as EventData)[key];
  }
  // keyPath []: every event of the subscription is about the same thing.
  if (path.length === 1) return value === null || value === undefined ? undefined : '';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
