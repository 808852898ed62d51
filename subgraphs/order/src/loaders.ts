/** Per-request DataLoaders: every entity and related list is read with one `= ANY($1)` statement per batch. */
import DataLoader from 'dataloader';
import type { ServiceDatabase } from '@distribution/db';
import { orderCounts } from './db/customers.js';
import { ordersByIds, orderLinesOf, purchasesOf } from './db/orders.js';
import { cartLinesOf } from './db/carts.js';
import { untoldRemovals, type CartRemovalRecord } from './db/cart-removals.js';
import type { CartLineRecord, OrderLineRecord, OrderRecord, PurchaseRecord } from './db/records.js';

function byKey<T, K extends keyof T>(keys: readonly string[], rows: T[], key: K): Array<T | null> {
  const found = new Map(rows.map((r) => [r[key] as unknown as string, r]));
  return keys.map((k) => found.get(k) ?? null);
}

function groupedBy<T, K extends keyof T>(keys: readonly string[], rows: T[], key: K): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(row[key] as unknown as string)?.push(row);
  return keys.map((k) => groups.get(k)!);
}

export function createLoaders(database: ServiceDatabase) {
  return {
    orderCounts: new DataLoader<string, number>(async (ids) => {
      const counts = new Map((await orderCounts(database, ids)).map((row) => [row.customerId, row.count]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    orders: new DataLoader<string, OrderRecord | null>(async (ids) => byKey(ids, await ordersByIds(database, ids), 'id')),
    orderLines: new DataLoader<string, OrderLineRecord[]>(async (ids) => groupedBy(ids, await orderLinesOf(database, ids), 'orderId')),
    cartLines: new DataLoader<string, CartLineRecord[]>(async (ids) => groupedBy(ids, await cartLinesOf(database, ids), 'customerId')),
    purchases: new DataLoader<string, PurchaseRecord[]>(async (ids) => groupedBy(ids, await purchasesOf(database, ids), 'customerId')),
    cartRemovals: new DataLoader<string, CartRemovalRecord[]>(async (ids) => groupedBy(ids, await untoldRemovals(database, ids), 'customerId')),
  };
}

export type OrderLoaders = ReturnType<typeof createLoaders>;
