/** Subscription.manufacturerNotices and the ManufacturerNotice type. */
import { GraphQLError } from 'graphql';
import { notFound } from '@distribution/errors';
import { liveUpdatesInterrupted } from '@distribution/server';
import type { ManufacturerContext } from '../context.js';
import { noticeScope } from './notice-access.js';
import type { Notice } from './notices.js';
import { settlementById } from './settlement.js';
import { existing } from '../loaders.js';
import type { SubscriptionManufacturerNoticesArgs } from '../generated/resolvers-types.js';

export const liveResolvers = {
  Subscription: {
    manufacturerNotices: {
      subscribe: async (_: unknown, { manufacturerId }: SubscriptionManufacturerNoticesArgs, ctx: ManufacturerContext) => {
        const scope = noticeScope(ctx.identity, manufacturerId); // refusals come first, before anything starts
        try {
          if (manufacturerId != null && !(await ctx.loaders.manufacturerById.load(scope!))) throw notFound('Manufacturer', manufacturerId);
          return await ctx.live.watch(scope);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          ctx.logger.error({ err: error }, 'notice subscription could not start');
          throw liveUpdatesInterrupted('live updates could not start');
        }
      },
      // A subscription's context lives as long as it does: every notice is resolved with fresh loaders.
      resolve: (notice: Notice, _: unknown, ctx: ManufacturerContext) => {
        ctx.refreshLoaders();
        return notice;
      },
    },
  },
  ManufacturerNotice: {
    manufacturer: (n: Notice, _: unknown, ctx: ManufacturerContext) => existing(ctx.loaders.manufacturerById.load(n.manufacturerId), `Manufacturer ${n.manufacturerId}`),
    product: (n: Notice, _: unknown, ctx: ManufacturerContext) => (n.productId ? ctx.loaders.productById.load(n.productId) : null),
    settlement: (n: Notice, _: unknown, ctx: ManufacturerContext) => (n.settlementId ? settlementById(ctx.database, n.settlementId) : null),
  },
};
