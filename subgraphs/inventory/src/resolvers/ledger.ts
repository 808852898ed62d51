/** The stock ledger, for the operator. */
import { Role, requireRole } from '@distribution/auth';
import { badUserInput } from '@distribution/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '@distribution/server';
import { isUuid } from '@distribution/db';
import { movementsOf } from '../db/ledger.js';
import type { MovementEntry } from '../db/records.js';
import type { InventoryContext } from '../context.js';
import type { QueryStockMovementsArgs } from '../generated/resolvers-types.js';

export const ledgerResolvers = {
  StockMovement: {
    product: (m: MovementEntry) => ({ id: m.productId }),
    createdAt: (m: MovementEntry) => new Date(m.createdAt).toISOString(),
  },
  Query: {
    stockMovements: async (_: unknown, args: QueryStockMovementsArgs, ctx: InventoryContext) => {
      requireRole(ctx.identity, Role.Operator);
      if (!isUuid(args.productId)) throw badUserInput('productId is not a product id', { argument: 'productId' });
      const limit = pageSize(args.first);
      let after: string | null = null;
      if (args.after != null) {
        const [id] = decodeCursor(args.after, 1);
        if (typeof id !== 'string' || !/^\d{1,18}$/.test(id)) throw badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });
        after = id;
      }
      const rows = await movementsOf(ctx.database, args.productId.toLowerCase(), limit, after);
      return toConnection(rows, limit, (m) => encodeCursor([m.id]));
    },
  },
};
