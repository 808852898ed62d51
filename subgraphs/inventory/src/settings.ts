/** What inventory's rules need from its configuration, checked once at start. */
import type { Logger } from '@distribution/logging';
import { isZeroDuration, parseDuration, type Duration } from './domain/duration.js';

export const SERVICE_NAME = 'inventory';

export interface InventoryOptions {
  /** ISO-8601 duration of a round (P1M in real life, PT30S in a demo). */
  roundPeriod?: string;
  /** Available units at or below which a product counts as LOW, unless set per product. */
  lowStockThreshold?: number;
  /** How often the period watch looks for a round past its end. */
  periodCheckIntervalMs?: number;
}

/** Everything the event handlers, round transitions and resolvers share. */
export interface InventoryDeps {
  schema: string;
  logger: Logger;
  roundPeriod: Duration;
  defaultThreshold: number;
  periodCheckIntervalMs: number;
}

export const DEFAULT_OPTIONS = { roundPeriod: 'P1M', lowStockThreshold: 5, periodCheckIntervalMs: 250 } as const;
export const MAX_THRESHOLD = 1_000_000;

/** Checks the options (throws naming the bad one) and fills in defaults. */
export function checkOptions(options: InventoryOptions): Omit<InventoryDeps, 'logger'> {
  const roundPeriod = parseDuration(options.roundPeriod ?? DEFAULT_OPTIONS.roundPeriod);
  if (isZeroDuration(roundPeriod)) throw new Error('The round period must be longer than zero');
  const defaultThreshold = options.lowStockThreshold ?? DEFAULT_OPTIONS.lowStockThreshold;
  if (!Number.isInteger(defaultThreshold) || defaultThreshold < 0 || defaultThreshold > MAX_THRESHOLD) {
    throw new Error(`The low-stock threshold must be a whole number from 0 to ${MAX_THRESHOLD}`);
  }
  return { schema: SERVICE_NAME, roundPeriod, defaultThreshold, periodCheckIntervalMs: options.periodCheckIntervalMs ?? DEFAULT_OPTIONS.periodCheckIntervalMs };
}
