/**
 * Connects a client's planned subscription to its upstream: one fan-out per (plan, variables,
 * access scope), fed by one shared upstream subscription per (subgraph, operation, variables, scope).
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
import type { Identity } from '@distribution/auth';
import type { Logger } from '@distribution/logging';
import { inputHygiene } from '@distribution/server/input-hygiene';
import { SubgraphDataSource } from '../subgraph-data-source.js';
import { EventFanout, type Subscriber } from './event-fanout.js';
import type { FieldPolicy } from './field-policies.js';
import { SubscriptionPlanner, type SubscriptionPlan } from './planner.js';
import { refusedInput } from './subscription-errors.js';
import { UpstreamPool, scopeOf, type UpstreamPoolOptions } from './upstream-pool.js';
import type { OperationGuard } from '../limits/index.js';

export interface RouterOptions {
  supergraphSdl: string;
  /** Where each subgraph listens (HTTP GraphQL URL) by name; the supergraph's routing URL for the others. */
  subgraphUrls: Readonly<Record<string, string>>;
  internalCredential: string;
  /** Bound on each call to a subgraph (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs?: number;
  logger: Logger;
  planCacheSize: number;
  fieldPolicies: Readonly<Record<string, FieldPolicy>>;
  guard?: OperationGuard;
  production: boolean;
  upstream: Omit<UpstreamPoolOptions, 'internalCredential' | 'logger'>;
}

/** A subscription ready to start: its plan and the client's variables, checked. */
export interface PreparedSubscription {
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
}

export interface Caller {
  identity: Identity | null;
  requestId: string;
}

export class SubscriptionRouter {
  private planner: SubscriptionPlanner;
  private dataSources: Record<string, GraphQLDataSource> = {};
  private urls: Record<string, string> = {};
  private readonly pool: UpstreamPool;
  private readonly fanouts = new Map<string, EventFanout>();

  /** Throws when the supergraph SDL cannot be loaded. */
  constructor(private readonly options: RouterOptions) {
    this.pool = new UpstreamPool({ ...options.upstream, internalCredential: options.internalCredential, logger: options.logger });
    this.planner = this.load(options.supergraphSdl);
  }

  /** Upstream subscriptions open now. */
  get upstreamCount(): number {
    return this.pool.size;
  }

  /** Checks the operation and its variables against the schema and the limits, then plans it; errors are ready to send. */
  prepare(
    query: string,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): PreparedSubscription | { errors: GraphQLFormattedError[] } {
    const planned = this.planner.plan(query, operationName, variables);
    if ('errors' in planned) return planned;
    const badInput = inputHygiene.check(planned.plan.operationContext.schema, planned.plan.document, planned.plan.operation, variables);
    if (badInput) return { errors: refusedInput(badInput) };
    return planned;
  }

  /** Starts delivering events to `subscriber`; returns the function that stops it. */
  subscribe({ plan, variables }: PreparedSubscription, caller: Caller, subscriber: Subscriber): () => void {
    const { primary } = plan;
    const upstreamVariables = Object.fromEntries((primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]));
    const key = JSON.stringify([plan.key, variables, scopeOf(caller.identity)]);
    let fanout = this.fanouts.get(key);
    if (!fanout?.accepting) {
      let leaveUpstream = () => {};
      const created: EventFanout = new EventFanout(
        plan,
        {
          identity: caller.identity,
          requestId: caller.requestId,
          variables,
          dataSources: this.dataSources,
          logger: this.options.logger,
        },
        () => {
          if (this.fanouts.get(key) === created) this.fanouts.delete(key);
          leaveUpstream();
        },
      );
      // Replayed events reach the fan-out at once but are delivered later, after `add` below.
      leaveUpstream = this.pool.subscribe(
        {
          serviceName: primary.serviceName,
          url: this.urls[primary.serviceName]!,
          query: plan.upstreamQuery,
          variables: upstreamVariables,
          identity: caller.identity,
          requestId: caller.requestId,
          replayKey: plan.replayLatest ? plan.eventKey : undefined,
        },
        created,
      );
      fanout = created;
      this.fanouts.set(key, fanout);
    }
    fanout.add(subscriber);
    const joined = fanout;
    return () => joined.remove(subscriber);
  }

  /**
   * Switches to a new supergraph. Every active subscription ends with `errors` (plans and upstream
   * operations may no longer hold). Returns false, changing nothing, when the SDL is the same;
   * throws, changing nothing, when it cannot be loaded.
   */
  reload(supergraphSdl: string, errors: readonly GraphQLFormattedError[]): boolean {
    if (supergraphSdl === this.planner.supergraphSdl) return false;
    const planner = this.load(supergraphSdl);
    this.pool.endAll(errors);
    this.planner = planner;
    return true;
  }

  /** Ends every upstream subscription, completing what clients hold. */
  close(): void {
    this.pool.endAll();
  }

  private load(supergraphSdl: string): SubscriptionPlanner {
    const planner = new SubscriptionPlanner(supergraphSdl, {
      cacheSize: this.options.planCacheSize,
      fieldPolicies: this.options.fieldPolicies,
      guard: this.options.guard,
      production: this.options.production,
      onUnexpected: (error) => this.options.logger.error({ err: error }, 'planning a subscription failed'),
    });
    const urls: Record<string, string> = {};
    const dataSources: Record<string, GraphQLDataSource> = {};
    for (const { name, url } of planner.subgraphs) {
      urls[name] = this.options.subgraphUrls[name] ?? url;
      dataSources[name] = new SubgraphDataSource(name, urls[name], this.options.internalCredential, { timeoutMs: this.options.subgraphTimeoutMs });
    }
    this.urls = urls;
    this.dataSources = dataSources;
    return planner;
  }
}
