/** The page's operations: the same files as every other client (client-examples/operations). */
import { gql, type DocumentNode } from '@apollo/client';

const files = import.meta.glob('../../operations/*.graphql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

function op(name: string): DocumentNode {
  const text = files[`../../operations/${name}.graphql`];
  if (!text) throw new Error(`No operation ${name}`);
  return gql(text);
}

export const CATEGORIES = op('Categories');
export const OFFERS = op('Offers');
export const CURRENT_ROUND = op('CurrentRound');
export const REGISTER_CUSTOMER = op('RegisterCustomer');
export const SIGN_IN = op('SignIn');
export const SIGN_OUT = op('SignOut');
export const MY_CART = op('MyCart');
export const ADD_TO_CART = op('AddToCart');
export const SET_CART_LINE_QUANTITY = op('SetCartLineQuantity');
export const REMOVE_FROM_CART = op('RemoveFromCart');
export const PLACE_ORDER_FROM_CART = op('PlaceOrderFromCart');
export const MY_ORDERS = op('MyOrders');
export const CANCEL_ORDER = op('CancelOrder');
export const ON_AVAILABILITY_CHANGED = op('OnAvailabilityChanged');
export const ON_STOCK_DEPLETED = op('OnStockDepleted');
export const ON_ROUND_CHANGED = op('OnRoundChanged');
export const ON_ORDER_STATUS_CHANGED = op('OnOrderStatusChanged');
