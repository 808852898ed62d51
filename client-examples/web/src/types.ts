/** The shapes the page reads, named after what it shows: cut from the operations' generated result types. */
import type { CurrentRoundQuery, MyCartQuery, MyOrdersQuery, OffersQuery } from '../../operations/generated/graphql';

export type Offer = OffersQuery['offers'][number];
export type Cart = NonNullable<MyCartQuery['me']>['cart'];
export type CartLine = Cart['lines'][number];
export type Order = NonNullable<MyOrdersQuery['me']>['orders']['edges'][number]['node'];
export type Stock = Offer['stock'];
export type Round = NonNullable<CurrentRoundQuery['currentRound']>;
