/** Every resolver of the inventory subgraph. */
import { MoneyScalar } from '@distribution/server';
import { stockResolvers } from './stock.js';
import { roundResolvers } from './rounds.js';
import { ledgerResolvers } from './ledger.js';
import { liveResolvers } from '../live/resolvers.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** Checked against the types generated from schema.graphql (npm run codegen). */
export const resolvers: Resolvers = {
  Money: MoneyScalar,
  Product: stockResolvers.Product,
  StockItem: stockResolvers.StockItem,
  DistributionRound: roundResolvers.DistributionRound,
  RoundSale: roundResolvers.RoundSale,
  StockMovement: ledgerResolvers.StockMovement,
  Query: { ...stockResolvers.Query, ...roundResolvers.Query, ...ledgerResolvers.Query },
  Mutation: { ...stockResolvers.Mutation, ...roundResolvers.Mutation },
  Subscription: liveResolvers.Subscription,
  DepletionNotice: liveResolvers.DepletionNotice,
};
