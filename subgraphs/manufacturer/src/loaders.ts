/**
 * Per-request DataLoaders: every lookup by id, and every per-manufacturer page, becomes one
 * statement however many entities a response (or an `_entities` call) needs.
 */
import DataLoader from 'dataloader';
import { isUuid, type Sql } from '@distribution/db';
import { manufacturersByIds } from './db/manufacturers.js';
import { productsByIds, productsOfManufacturers } from './db/products.js';
import { settlementsOfManufacturers } from './db/settlements.js';
import type { Manufacturer, Product, Settlement } from './db/records.js';

/** Loads by id in one `WHERE id = ANY($1)`; ids that are not UUIDs are simply not found. */
function byId<V extends { id: string }>(fetch: (ids: string[]) => Promise<V[]>) {
  return new DataLoader<string, V | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    const found = new Map((valid.length ? await fetch(valid) : []).map((v) => [v.id, v]));
    return ids.map((id) => found.get(id.toLowerCase()) ?? null);
  });
}

/**
 * Loads one page per manufacturer. Keys asking for the same page (size, position) are fetched
 * together in one statement (`fetch` takes many manufacturer ids at once).
 */
function pagesByManufacturer<P, V extends { manufacturerId: string }>(fetch: (manufacturerIds: string[], page: P) => Promise<V[]>) {
  type Key = { manufacturerId: string; page: P };
  const pageKey = (page: P) => JSON.stringify(page);
  return new DataLoader<Key, V[], string>(
    async (keys) => {
      const groups = new Map<string, { page: P; ids: Set<string> }>();
      for (const { manufacturerId, page } of keys) {
        const group = groups.get(pageKey(page)) ?? { page, ids: new Set<string>() };
        group.ids.add(manufacturerId);
        groups.set(pageKey(page), group);
      }
      const pages = new Map<string, V[]>();
      await Promise.all(
        [...groups].map(async ([groupKey, { page, ids }]) => {
          for (const row of await fetch([...ids], page)) {
            const slot = `${groupKey}|${row.manufacturerId}`;
            pages.set(slot, [...(pages.get(slot) ?? []), row]);
          }
        }),
      );
      return keys.map(({ manufacturerId, page }) => pages.get(`${pageKey(page)}|${manufacturerId}`) ?? []);
    },
    { cacheKeyFn: ({ manufacturerId, page }) => `${pageKey(page)}|${manufacturerId}` },
  );
}

export interface ProductsPage {
  count: number;
  after: [string, string] | null;
  includeDiscontinued: boolean;
}

export interface SettlementsPage {
  count: number;
  beforeRound: number | null;
}

export function createLoaders(database: Sql) {
  return {
    manufacturerById: byId<Manufacturer>((ids) => manufacturersByIds(database, ids)),
    productById: byId<Product>((ids) => productsByIds(database, ids)),
    productsOfManufacturer: pagesByManufacturer<ProductsPage, Product>((ids, page) => productsOfManufacturers(database, ids, page)),
    settlementsOfManufacturer: pagesByManufacturer<SettlementsPage, Settlement>((ids, page) => settlementsOfManufacturers(database, ids, page)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * A row a non-null field points at, which a foreign key guarantees exists. Should it be missing
 * anyway, the field fails with an error, as graphql-js fails a null in a non-null field.
 */
export async function existing<V>(loading: Promise<V | null>, what: string): Promise<V> {
  const value = await loading;
  if (value === null) throw new Error(`${what} is missing although a foreign key refers to it`);
  return value;
}
