/** Which products an `availabilityChanged` subscription watches: the arguments checked, and the match. */
import { badUserInput } from '@distribution/errors';
import { isUuid } from '@distribution/db';
import type { StockRow } from '../domain/stock.js';

/** Bounds what one subscription may ask for (its snapshot and its filter stay small). */
export const MAX_WATCHED_PRODUCTS = 500;
export const MAX_CATEGORY_LENGTH = 100;

/** null means "any": neither given watches every product. */
export interface AvailabilityFilter {
  productIds: ReadonlySet<string> | null;
  category: string | null;
}

/** Checks the arguments (BAD_USER_INPUT naming the bad one); ids are compared lower-cased. */
export function availabilityFilter(args: { productIds?: readonly string[] | null; category?: string | null }): AvailabilityFilter {
  let productIds: Set<string> | null = null;
  if (args.productIds != null) {
    if (args.productIds.length === 0 || args.productIds.length > MAX_WATCHED_PRODUCTS) {
      throw badUserInput(`productIds must list 1 to ${MAX_WATCHED_PRODUCTS} products (leave it out to watch every product)`, { argument: 'productIds' });
    }
    const malformed = args.productIds.find((id) => !isUuid(id));
    if (malformed !== undefined) throw badUserInput(`productIds: ${JSON.stringify(String(malformed).slice(0, 50))} is not a product id`, { argument: 'productIds' });
    productIds = new Set(args.productIds.map((id) => id.toLowerCase()));
  }
  let category: string | null = null;
  if (args.category != null) {
    if (args.category.trim() === '' || args.category.length > MAX_CATEGORY_LENGTH) {
      throw badUserInput(`category must be 1 to ${MAX_CATEGORY_LENGTH} characters`, { argument: 'category' });
    }
    category = args.category;
  }
  return { productIds, category };
}

export function matchesFilter(filter: AvailabilityFilter, row: Pick<StockRow, 'productId' | 'category'>): boolean {
  return (filter.productIds === null || filter.productIds.has(row.productId.toLowerCase())) && (filter.category === null || filter.category === row.category);
}
