/** The catalog's input rules: what a manufacturer, product name, SKU, price or quantity may be. */
import { badUserInput } from '@distribution/errors';

export const NAME_MAX_LENGTH = 200;
export const SKU_MAX_LENGTH = 64;
export const CATEGORY_MAX_LENGTH = 100;
export const SEARCH_MAX_LENGTH = 100;
/** One production run makes at most this many units. */
export const MAX_PRODUCTION_QUANTITY = 1_000_000;
/** Supply never exceeds this, so that it always fits a GraphQL Int and a Postgres int. */
export const MAX_SUPPLY = 1_000_000_000;
/** Prices are stored as int cents: 0.01 .. 1,000,000.00. */
export const MIN_UNIT_PRICE_CENTS = 1;
export const MAX_UNIT_PRICE_CENTS = 100_000_000;

const SKU_PATTERN = /^[A-Za-z0-9\-_.]+$/;

/** A trimmed, non-empty text of at most `max` characters, or BAD_USER_INPUT naming the field. */
function boundedText(field: string, value: unknown, max: number): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length < 1 || text.length > max) {
    throw badUserInput(`${field} must be 1 to ${max} characters`, { field });
  }
  return text;
}

export const validName = (value: unknown, field = 'name') => boundedText(field, value, NAME_MAX_LENGTH);
export const validCategory = (value: unknown) => boundedText('category', value, CATEGORY_MAX_LENGTH);

export function validSku(value: unknown): string {
  const sku = typeof value === 'string' ? value.trim() : '';
  if (sku.length < 1 || sku.length > SKU_MAX_LENGTH || !SKU_PATTERN.test(sku)) {
    throw badUserInput(`sku must be 1 to ${SKU_MAX_LENGTH} characters of A-Z, a-z, 0-9, "-", "_" or "."`, { field: 'sku' });
  }
  return sku;
}

/** `cents` comes from the Money scalar, which already refused negatives and more than two decimals. */
export function validUnitPrice(cents: unknown): number {
  if (typeof cents !== 'number' || !Number.isInteger(cents) || cents < MIN_UNIT_PRICE_CENTS || cents > MAX_UNIT_PRICE_CENTS) {
    throw badUserInput('unitPrice must be between 0.01 and 1000000.00', { field: 'unitPrice' });
  }
  return cents;
}

/** Units made in one production run: 1 .. MAX_PRODUCTION_QUANTITY. */
export function validProductionQuantity(quantity: unknown, field = 'quantity'): number {
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_PRODUCTION_QUANTITY) {
    throw badUserInput(`${field} must be a whole number from 1 to ${MAX_PRODUCTION_QUANTITY}`, { field });
  }
  return quantity;
}

/** Supply a new product starts with: 0 .. MAX_PRODUCTION_QUANTITY. */
export function validInitialSupply(quantity: unknown): number {
  if (quantity === undefined || quantity === null) return 0;
  if (quantity === 0) return 0;
  return validProductionQuantity(quantity, 'initialSupply');
}

export interface ProductChanges {
  name?: string;
  category?: string;
  unitPriceCents?: number;
}

/** The fields `updateProduct` may change; at least one must be given. */
export function validProductChanges(input: { name?: unknown; category?: unknown; unitPrice?: unknown }): ProductChanges {
  const changes: ProductChanges = {};
  if (input.name !== undefined && input.name !== null) changes.name = validName(input.name);
  if (input.category !== undefined && input.category !== null) changes.category = validCategory(input.category);
  if (input.unitPrice !== undefined && input.unitPrice !== null) changes.unitPriceCents = validUnitPrice(input.unitPrice);
  if (Object.keys(changes).length === 0) throw badUserInput('Give at least one of name, category or unitPrice to change');
  return changes;
}

export interface CatalogFilter {
  category: string | null;
  manufacturerId: string | null;
  search: string | null;
  includeDiscontinued: boolean;
}

/** Normalises `products(filter:)`: trimmed texts, empty search means no search. */
export function validCatalogFilter(
  filter: { category?: string | null; manufacturerId?: string | null; search?: string | null; includeDiscontinued?: boolean | null } | null | undefined,
  isId: (value: string) => boolean,
): CatalogFilter {
  const category = filter?.category == null ? null : validCategory(filter.category);
  const search = filter?.search?.trim() ? filter.search.trim() : null;
  if (search && search.length > SEARCH_MAX_LENGTH) {
    throw badUserInput(`search must be at most ${SEARCH_MAX_LENGTH} characters`, { field: 'search' });
  }
  const manufacturerId = filter?.manufacturerId ?? null;
  if (manufacturerId !== null && !isId(manufacturerId)) {
    throw badUserInput('manufacturerId is not a valid id', { field: 'manufacturerId' });
  }
  return { category, manufacturerId, search, includeDiscontinued: filter?.includeDiscontinued ?? false };
}

/** A search text as an ILIKE pattern that matches it literally anywhere. */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether production of `quantity` more units keeps supply within MAX_SUPPLY. */
export const supplyAfterProductionFits = (supply: number, quantity: number) => supply + quantity <= MAX_SUPPLY;
