/** The manufacturer subgraph: manufacturers, their catalog and supply, the settlements they receive, and live notices. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { ServiceDefinition } from '@distribution/server';
import { createContext, type ManufacturerContext } from './context.js';
import { entities } from './db/entities/index.js';
import { migrations } from './db/migrations/index.js';
import { registerSettlementConsumer } from './events/round-closed.js';
import { registerNoticeConsumer } from './live/notice-consumer.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const manufacturerService: ServiceDefinition<ManufacturerContext> = {
  name: 'manufacturer',
  busConsole: 'manufacturer',
  typeDefs,
  resolvers,
  migrations,
  entities,
  registerConsumers: (bus, runtime) => {
    registerSettlementConsumer(bus, { schema: runtime.database.schema, logger: runtime.logger });
    registerNoticeConsumer(bus, { logger: runtime.logger });
  },
  createContext,
};
