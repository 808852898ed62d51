/** Customers as the account service knows them: the operator's list, and the Customer entity's name and email. */
import { Role, requireRole } from '@distribution/auth';
import { badUserInput } from '@distribution/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '@distribution/server';
import { assertMaySeeCustomer } from '../access.js';
import type { AccountContext } from '../context.js';
import { customerPage, type AccountRecord } from '../db/accounts.js';
import type { QueryCustomersArgs } from '../generated/resolvers-types.js';

const MAX_SEARCH = 100;

export const customerResolvers = {
  Query: {
    customers: async (_: unknown, args: QueryCustomersArgs, ctx: AccountContext) => {
      requireRole(ctx.identity, Role.Operator);
      const limit = pageSize(args.first);
      const search = args.search?.trim() || undefined;
      if (search && search.length > MAX_SEARCH) throw badUserInput(`search must be at most ${MAX_SEARCH} characters`, { argument: 'search' });
      const beforeSeq = args.after ? Number(decodeCursor(args.after, 1)[0]) : undefined;
      if (beforeSeq !== undefined && !Number.isSafeInteger(beforeSeq)) throw badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });
      const rows = await customerPage(ctx.database, { limit: limit + 1, beforeSeq, search });
      for (const row of rows) ctx.customers.prime(row.subject, row);
      return toConnection(rows, limit, (row) => encodeCursor([row.seq]));
    },
  },
  Customer: {
    __resolveReference: (ref: { id: string }, ctx: AccountContext) => {
      assertMaySeeCustomer(ctx.identity, ref.id);
      return ctx.customers.load(ref.id.toLowerCase());
    },
    id: (account: AccountRecord) => account.subject,
    registeredAt: (account: AccountRecord) => account.createdAt.toISOString(),
  },
};
