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

export const resolvers = {
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
  PlaceOrderResult: byTypename,
  AddToCartResult: byTypename,
};
