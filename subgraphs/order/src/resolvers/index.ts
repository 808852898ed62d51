/** All resolvers of the order subgraph. */
import { MoneyScalar } from '@distribution/server';
import { customerResolvers } from './customers.js';
import { cartResolvers } from './cart.js';
import { orderResolvers } from './orders.js';
import { placeOrderResolvers } from './place-order.js';
import { orderChangeResolvers } from './order-changes.js';
import { subscriptionResolvers } from './subscriptions.js';
import { byTypename } from './results.js';
import { pruneCartResolvers } from './prune-cart.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** Checked against the types generated from schema.graphql (npm run codegen). */
export const resolvers: Resolvers = {
  Money: MoneyScalar,
  Query: { ...customerResolvers.Query, ...orderResolvers.Query },
  Mutation: { ...cartResolvers.Mutation, ...pruneCartResolvers.Mutation, ...placeOrderResolvers.Mutation, ...orderChangeResolvers.Mutation },
  Subscription: subscriptionResolvers.Subscription,
  Customer: customerResolvers.Customer,
  Cart: cartResolvers.Cart,
  CartLine: cartResolvers.CartLine,
  RemovedCartLine: pruneCartResolvers.RemovedCartLine,
  Order: orderResolvers.Order,
  OrderLine: orderResolvers.OrderLine,
  StockShortage: orderResolvers.StockShortage,
  Purchase: orderResolvers.Purchase,
  PlaceOrderResult: byTypename<'Order' | 'InsufficientStock' | 'RoundNotOpen'>(),
  AddToCartResult: byTypename<'Cart' | 'InsufficientStock'>(),
};
