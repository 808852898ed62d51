/**
 * Pins what federated subscriptions borrow from @apollo/* without it being documented as public:
 * the planner's Subscription node and executeQueryPlan run with the primary fetch answered by an event.
 * If an upgrade of the pinned 2.14.x packages changes either, this file says so first.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { GraphQLDataSource } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { createLogger } from '@distribution/logging';
import { SubscriptionPlanner, type SubscriptionPlan } from '../src/subscriptions/planner.js';
import { resolveEvent } from '../src/subscriptions/event-executor.js';
import { CATALOG_SDL, STOCK_SDL } from './fixtures/subscription-subgraphs.js';

const composed = composeServices([
  { name: 'inventory', url: 'http://inventory.invalid/graphql', typeDefs: parse(STOCK_SDL) },
  { name: 'manufacturer', url: 'http://manufacturer.invalid/graphql', typeDefs: parse(CATALOG_SDL) },
]);
if (composed.errors) throw composed.errors[0];
const planner = new SubscriptionPlanner(composed.supergraphSdl);
const logger = createLogger('test', 'silent');

const WATCH = `subscription Watch($ids: [ID!]) {
  stock: availabilityChanged(productIds: $ids) { available item: product { id name price } }
}`;

function planOf(query: string, operationName?: string): SubscriptionPlan {
  const result = planner.plan(query, operationName);
  if ('errors' in result) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

/** A manufacturer data source that records what it is asked and answers every representation. */
function recordingCatalog() {
  const requests: { query?: string; variables?: Record<string, any> }[] = [];
  const source: GraphQLDataSource = {
    async process({ request }) {
      requests.push({ query: request.query, variables: request.variables });
      const representations = (request.variables?.representations ?? []) as { id: string }[];
      return { data: { _entities: representations.map(({ id }) => ({ name: `Product ${id}`, price: 2.5 })) } };
    },
  };
  return { requests, source };
}

describe('planning a federated subscription', () => {
  it('opens the root field on its owner and leaves the other subgraph to an _entities fetch per event', () => {
    const plan = planOf(WATCH);
    expect(plan.primary.serviceName).toBe('inventory');
    expect(plan.rootField).toBe('availabilityChanged');
    // The upstream operation keeps aliases and entity keys but not the generated name (so differently named clients share it).
    expect(plan.upstreamQuery).toMatch(/^subscription\s*\(\$ids: \[ID!\]\)/);
    expect(plan.upstreamQuery).toContain('stock: availabilityChanged(productIds: $ids)');
    expect(plan.upstreamQuery).toMatch(/item: product \{\s*__typename\s*id\s*\}/);
    expect(plan.eventPlan.node).toMatchObject({ kind: 'Sequence', nodes: [{ kind: 'Fetch', serviceName: 'inventory' }, { kind: 'Sequence' }] });
    expect(JSON.stringify(plan.eventPlan.node)).toContain('"serviceName":"manufacturer"');
  });

  it('finds what an event is about through the aliases, so a slow client keeps the latest per product', () => {
    const plan = planOf(WATCH);
    expect(plan.coalesce).toBe(true);
    expect(plan.replayLatest).toBe(true);
    expect(plan.eventKey!({ stock: { available: 1, item: { __typename: 'Product', id: 'p9' } } })).toBe('p9');
  });

  it('neither coalesces nor replays when the selection lacks the product id, or for a notice field', () => {
    expect(planOf('subscription { availabilityChanged { available } }')).toMatchObject({ coalesce: false, replayLatest: false });
    expect(planOf('subscription { stockDepleted { product { id } } }')).toMatchObject({ coalesce: false, replayLatest: false });
  });

  it('caches plans per operation text and name', () => {
    expect(planOf(WATCH)).toBe(planOf(WATCH));
    const twoOps = `${WATCH}\nsubscription Other { stockDepleted { note } }`;
    expect(planOf(twoOps, 'Other')).not.toBe(planOf(twoOps, 'Watch'));
  });

  it('answers operations it cannot run with the codes a client can act on', () => {
    const codes = (query: string, operationName?: string) => {
      const result = planner.plan(query, operationName);
      return 'errors' in result ? result.errors.map((error) => error.extensions?.code) : [];
    };
    expect(codes('subscription {')).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(codes('subscription { nope }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes('subscription { stockDepleted { note } availabilityChanged { available } }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes('query { product(id: "p1") { name } }')).toEqual(['BAD_REQUEST']);
    expect(codes(WATCH, 'Missing')).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    const variables = planner.coerceVariables(planOf(WATCH), { ids: { not: 'a list of ids' } });
    expect('errors' in variables && variables.errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('resolving one event with executeQueryPlan', () => {
  const scope = (dataSources: Record<string, GraphQLDataSource>) => ({ identity: null, requestId: 'req-1', variables: { ids: ['p1'] }, dataSources, logger });

  it("takes the event as the owner's answer and batches the other fields into one _entities call", async () => {
    const catalog = recordingCatalog();
    const inventoryCalled = {
      process: async () => {
        throw new Error('the owning subgraph must not be called per event');
      },
    };
    const event = { data: { stock: { available: 4, item: { __typename: 'Product', id: 'p1' } } } };
    const resolved = await resolveEvent(planOf(WATCH), event, scope({ inventory: inventoryCalled, manufacturer: catalog.source }));
    expect(resolved).toEqual({ data: { stock: { available: 4, item: { id: 'p1', name: 'Product p1', price: 2.5 } } } });
    expect(catalog.requests).toHaveLength(1);
    expect(catalog.requests[0]!.query).toContain('_entities(representations:$representations)');
    expect(catalog.requests[0]!.variables).toEqual({ representations: [{ __typename: 'Product', id: 'p1' }] });
    // The event is shared by every plan it feeds: resolving one must not change it.
    expect(event.data.stock.item).toEqual({ __typename: 'Product', id: 'p1' });
  });

  it('keeps the code of an error the other subgraph answered with, next to the data it could resolve', async () => {
    const failing: GraphQLDataSource = { process: async () => ({ errors: [{ message: 'Catalog says no', extensions: { code: 'FORBIDDEN' } }] }) };
    const resolved = await resolveEvent(planOf(WATCH), { data: { stock: { available: 4, item: { __typename: 'Product', id: 'p1' } } } }, scope({ manufacturer: failing }));
    expect(resolved.errors?.[0]).toMatchObject({ message: 'Catalog says no', extensions: { code: 'FORBIDDEN', serviceName: 'manufacturer' } });
  });

  it('passes on errors that came inside the event itself', async () => {
    const plan = planOf('subscription { stockDepleted { note } }');
    const resolved = await resolveEvent(
      plan,
      { data: { stockDepleted: { note: null } }, errors: [{ message: 'note unreadable', path: ['stockDepleted', 'note'], extensions: { code: 'NOT_FOUND' } }] },
      scope({}),
    );
    expect(resolved).toMatchObject({ data: { stockDepleted: { note: null } }, errors: [{ message: 'note unreadable', extensions: { code: 'NOT_FOUND' } }] });
  });
});
