/** The order subgraph: customers, carts, orders and what customers own. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { ServiceDefinition } from '@distribution/server';
import { createOrderContext, signalsOf, type OrderContext, type OrderSettings } from './context.js';
import { entities } from './db/entities/index.js';
import { migrations } from './db/migrations/index.js';
import { registerCatalogConsumer } from './events/catalog-consumer.js';
import { registerOutcomeConsumer } from './events/outcome-consumer.js';
import { resolvers } from './resolvers/index.js';
import { startOverdueWatch } from './resolution/overdue-watch.js';

/** ORDER_RESOLUTION_TIMEOUT_MS's default: an order (or cancellation) waits at most this long before inventory is asked. */
export const DEFAULT_RESOLUTION_TIMEOUT_MS = 30_000;

export const typeDefs = gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/**
 * The Postgres schema (and bus source) of this service. Not `order`: that is a reserved word in
 * SQL, and the schema name is written unquoted in CREATE SCHEMA and search_path.
 */
export const ORDER_SCHEMA = 'orders';

export function createOrderService(settings: OrderSettings): ServiceDefinition<OrderContext> {
  return {
    name: ORDER_SCHEMA,
    ownMetrics: ['order'],
    busConsole: 'order',
    typeDefs,
    resolvers,
    migrations,
    entities,
    registerConsumers: (bus, runtime) => {
      registerCatalogConsumer(bus);
      registerOutcomeConsumer(bus, runtime.logger);
      signalsOf(runtime);
    },
    createContext: (base, runtime) => createOrderContext(base, runtime, settings),
    startBackgroundWork: (runtime) => startOverdueWatch(runtime.database, settings.resolutionTimeoutMs ?? DEFAULT_RESOLUTION_TIMEOUT_MS, runtime.logger),
  };
}
