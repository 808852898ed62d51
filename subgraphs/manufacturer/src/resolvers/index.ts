/** The manufacturer subgraph's resolver map. */
import { MoneyScalar } from '@distribution/server';
import { Manufacturer, Product, Settlement, SettlementLine } from './entities.js';
import { Mutation } from './mutations.js';
import { Query } from './queries.js';
import { liveResolvers } from '../live/resolvers.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** Checked against the types generated from schema.graphql (npm run codegen). */
export const resolvers: Resolvers = {
  Money: MoneyScalar,
  Query,
  Mutation,
  Manufacturer,
  Product,
  Settlement,
  SettlementLine,
  Subscription: liveResolvers.Subscription,
  ManufacturerNotice: liveResolvers.ManufacturerNotice,
};
