/**
 * Label values with a bounded number of values: an operation name a client sends is anything it
 * likes, so only the API's own client operations keep their name; the rest count as `other`.
 */

/**
 * The operations of client-examples/operations (a test keeps this list equal to the files there).
 * A name outside it is counted as `other`, whatever a client sends.
 */
export const KNOWN_OPERATIONS: readonly string[] = [
  'AddToCart',
  'BusStatus',
  'CancelOrder',
  'Categories',
  'ChangeOrderLine',
  'ChangePassword',
  'CloseRound',
  'CreateManufacturerLogin',
  'CreateProduct',
  'CurrentRound',
  'Customers',
  'Manufacturers',
  'MyCart',
  'MyOrders',
  'MyProducts',
  'MyPurchases',
  'Offers',
  'OnAvailabilityChanged',
  'OnLowStock',
  'OnManufacturerNotices',
  'OnOrderStatusChanged',
  'OnRoundChanged',
  'OnStockDepleted',
  'OpenRound',
  'Order',
  'Orders',
  'PlaceOrder',
  'PlaceOrderFromCart',
  'Produce',
  'Product',
  'Products',
  'PruneCart',
  'RefreshSession',
  'RegisterCustomer',
  'RegisterManufacturer',
  'RemoveFromCart',
  'Rounds',
  'SetCartLineQuantity',
  'SetLowStockThreshold',
  'Settlements',
  'SignIn',
  'SignOut',
  'StockMovements',
];

const known = new Set(KNOWN_OPERATIONS);

/** An operation without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** Any name not in KNOWN_OPERATIONS. */
export const OTHER_OPERATION = 'other';

/**
 * The `operation` label for a request's operation name. A subgraph sees the gateway's name for its
 * part of a plan (`PlaceOrder__order__0`): it is counted under the client's operation.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return ANONYMOUS_OPERATION;
  const planned = /^(.+?)__[A-Za-z0-9_]+?__\d+$/.exec(name);
  const base = planned ? planned[1]! : name;
  return known.has(base) ? base : OTHER_OPERATION;
}

export type RequestOutcome = 'ok' | 'refused' | 'error';

/** Codes that say the caller asked wrongly or was not allowed: the service did its job. */
const CALLER_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'OPERATION_LIMIT_EXCEEDED',
  'INVALID_CREDENTIALS',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * `ok` without errors, `refused` when every error is the caller's (bad input, not allowed, over a
 * limit), `error` when any is ours (internal, a subgraph down or late): what an error-rate alert counts.
 */
export function requestOutcome(errorCodes: readonly string[] | undefined, httpStatus = 200): RequestOutcome {
  if (httpStatus >= 500) return 'error';
  if (!errorCodes || errorCodes.length === 0) return httpStatus >= 400 ? 'refused' : 'ok';
  return errorCodes.every((code) => CALLER_CODES.has(code)) ? 'refused' : 'error';
}
