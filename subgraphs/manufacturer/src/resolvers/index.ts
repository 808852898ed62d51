/** The manufacturer subgraph's resolver map. */
import { MoneyScalar } from '@distribution/server';
import { Manufacturer, Product, Settlement, SettlementLine } from './entities.js';
import { Mutation } from './mutations.js';
import { Query } from './queries.js';
import { liveResolvers } from '../live/resolvers.js';

export const resolvers = {
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
