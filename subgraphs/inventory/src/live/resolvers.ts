/** Subscription fields of inventory (public, except the sales of a round) and the DepletionNotice type. */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { liveUpdatesInterrupted, type LiveStream } from '@distribution/server';
import type { InventoryContext } from '../context.js';
import { requireSalesReader } from '../domain/sales-access.js';
import { availabilityFilter } from './filters.js';
import { selectsField } from './selection.js';
import type { DepletionFact } from './notifications.js';
import type { SubscriptionAvailabilityChangedArgs } from '../generated/resolvers-types.js';

/** Opens a stream; a refusal (BAD_USER_INPUT) passes through, anything unexpected is logged and told plainly. */
async function watch<T>(ctx: InventoryContext, open: () => Promise<LiveStream<T>>): Promise<LiveStream<T>> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    ctx.logger.error({ err: error }, 'live subscription could not start');
    throw liveUpdatesInterrupted('live updates could not start');
  }
}

/** A subscription's context lives as long as it does: every event is resolved with fresh loaders. */
function fresh<T>(value: T, _: unknown, ctx: InventoryContext): T {
  ctx.refreshLoaders();
  return value;
}

export const liveResolvers = {
  Subscription: {
    availabilityChanged: {
      subscribe: (_: unknown, args: SubscriptionAvailabilityChangedArgs, ctx: InventoryContext) => {
        const filter = availabilityFilter(args); // before anything starts: bad input is refused at once
        return watch(ctx, () => ctx.live.availability(filter));
      },
      resolve: fresh,
    },
    lowStock: { subscribe: (_: unknown, __: unknown, ctx: InventoryContext) => watch(ctx, () => ctx.live.lowStock()), resolve: fresh },
    stockDepleted: { subscribe: (_: unknown, __: unknown, ctx: InventoryContext) => watch(ctx, () => ctx.live.depletions()), resolve: fresh },
    roundChanged: {
      subscribe: (_: unknown, __: unknown, ctx: InventoryContext, info: GraphQLResolveInfo) => {
        // Asking for the sales is refused at once (each event would only carry the refusal); the lines are filtered per event.
        if (selectsField(info, 'sales')) requireSalesReader(ctx.identity);
        return watch(ctx, () => ctx.live.rounds());
      },
      resolve: fresh,
    },
  },
  DepletionNotice: {
    product: (fact: DepletionFact) => ({ id: fact.productId }),
    manufacturer: (fact: DepletionFact) => ({ __typename: 'Manufacturer' as const, id: fact.manufacturerId }),
  },
};
