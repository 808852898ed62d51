/** Rounds: reading them (their sales only for the operator and, line by line, their manufacturers), opening and closing them (operator only). */
import { Role, requireRole } from '@distribution/auth';
import { badUserInput } from '@distribution/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '@distribution/server';
import type { RoundSale } from '../domain/rounds.js';
import { requireSalesReader, salesVisibleTo } from '../domain/sales-access.js';
import { openingAfter } from '../domain/round-schedule.js';
import { latestRound, roundsPage } from '../db/rounds.js';
import type { Round } from '../db/records.js';
import { openNextRound } from '../rounds/open-round.js';
import { closeRoundByOperator } from '../rounds/close-round.js';
import type { InventoryContext } from '../context.js';
import type { QueryRoundsArgs } from '../generated/resolvers-types.js';

const isoOf = (date: Date) => new Date(date).toISOString();
const iso = (date: Date | null) => (date ? isoOf(date) : null);

export const roundResolvers = {
  DistributionRound: {
    openedAt: (round: Round) => isoOf(round.openedAt),
    endsAt: (round: Round) => isoOf(round.endsAt),
    closedAt: (round: Round) => iso(round.closedAt),
    nextOpeningAt: async (round: Round, _: unknown, ctx: InventoryContext) => {
      if ((await ctx.loaders.latestRoundNumber.load(0)) !== round.number) return null;
      return iso(openingAfter(ctx.deps.roundSchedule, new Date(round.openedAt)));
    },
    // Refused before anything is read: the refusal never depends on whether the round sold anything.
    sales: async (round: Round, _: unknown, ctx: InventoryContext) => {
      const reader = requireSalesReader(ctx.identity);
      return round.status === 'OPEN' ? [] : salesVisibleTo(reader, await ctx.loaders.salesOfRound.load(round.number));
    },
  },
  RoundSale: {
    product: (sale: RoundSale) => ({ id: sale.productId }),
    manufacturer: (sale: RoundSale) => ({ __typename: 'Manufacturer' as const, id: sale.manufacturerId }),
    revenue: (sale: RoundSale) => sale.revenueCents,
  },
  Query: {
    currentRound: (_: unknown, __: unknown, ctx: InventoryContext) => latestRound(ctx.database),
    rounds: async (_: unknown, args: QueryRoundsArgs, ctx: InventoryContext) => {
      const limit = pageSize(args.first);
      let before: number | null = null;
      if (args.after != null) {
        const [number] = decodeCursor(args.after, 1);
        if (!Number.isInteger(number) || (number as number) < 1) throw badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });
        before = number as number;
      }
      return toConnection(await roundsPage(ctx.database, limit, before), limit, (round) => encodeCursor([round.number]));
    },
  },
  Mutation: {
    openRound: (_: unknown, __: unknown, ctx: InventoryContext) => {
      requireRole(ctx.identity, Role.Operator);
      return openNextRound(ctx.database, ctx.deps);
    },
    closeRound: (_: unknown, __: unknown, ctx: InventoryContext) => {
      requireRole(ctx.identity, Role.Operator);
      return closeRoundByOperator(ctx.database, ctx.deps);
    },
  },
};
