/** The inventory subgraph: schema, resolvers, migrations, consumers and the round watch. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { ServiceDefinition } from '@distribution/server';
import { entities } from './db/entities/index.js';
import { migrations } from './db/migrations/index.js';
import { resolvers } from './resolvers/index.js';
import { createContext, type InventoryContext } from './context.js';
import { registerOrderConsumer } from './events/order-events.js';
import { registerManufacturerConsumer } from './events/manufacturer-events.js';
import { startRoundWatch } from './rounds/round-watch.js';
import type { Logger } from '@distribution/logging';
import { checkOptions, SERVICE_NAME, type InventoryDeps, type InventoryOptions } from './settings.js';

const typeDefs = gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the service definition with its options (round period, default low-stock threshold). */
export function createInventoryService(options: InventoryOptions = {}): ServiceDefinition<InventoryContext> {
  const checked = checkOptions(options); // a bad period fails here, before anything starts
  let deps: InventoryDeps | null = null;
  const depsOf = (logger: Logger) => (deps ??= { ...checked, logger });
  return {
    name: SERVICE_NAME,
    ownMetrics: ['inventory'],
    busConsole: 'inventory',
    typeDefs,
    resolvers,
    migrations,
    entities,
    registerConsumers: (bus, runtime) => {
      registerManufacturerConsumer(bus, depsOf(runtime.logger));
      registerOrderConsumer(bus, { ...depsOf(runtime.logger), metrics: runtime.metrics });
    },
    createContext: (base, runtime) => createContext(base, runtime, depsOf(runtime.logger)),
    startBackgroundWork: (runtime) => startRoundWatch(runtime.database, runtime.listener, depsOf(runtime.logger)),
  };
}

/** The definition with the default options (monthly rounds, threshold 5). */
export const inventoryService = createInventoryService();
