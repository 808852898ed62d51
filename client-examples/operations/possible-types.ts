/** The API's unions and their members, which Apollo Client's cache needs to match fragments on them. */
export const POSSIBLE_TYPES: Record<string, string[]> = {
  AddToCartResult: ['Cart', 'InsufficientStock'],
  PlaceOrderResult: ['Order', 'InsufficientStock', 'RoundNotOpen'],
};
