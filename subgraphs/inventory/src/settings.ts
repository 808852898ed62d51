/** What inventory's rules need from its configuration, checked once at start. */
import type { Logger } from '@distribution/logging';
import type { ServiceMetrics } from '@distribution/server/metrics';
import { isZeroDuration, parseDuration, type Duration } from './domain/duration.js';
import { parseRoundSchedule, type RoundSchedule } from './domain/round-schedule.js';

export const SERVICE_NAME = 'inventory';

export interface InventoryOptions {
  /** ISO-8601 duration of a round (P1M in real life, PT30S in a demo). */
  roundPeriod?: string;
  /** When the next round opens by itself: `monthly`, an ISO-8601 interval (`PT30S`) or `manual` (domain/round-schedule.ts). */
  roundSchedule?: string;
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
  roundSchedule: RoundSchedule;
  defaultThreshold: number;
  periodCheckIntervalMs: number;
  /** Where reservation batches are counted (the service's metrics); absent in tests that apply batches directly. */
  metrics?: Pick<ServiceMetrics, 'reservationBatch'>;
}

// Manual unless told: a service started by a test or a tool opens nothing by itself (the process's
// configuration, ROUND_SCHEDULE, defaults to monthly).
export const DEFAULT_OPTIONS = { roundPeriod: 'P1M', roundSchedule: 'manual', lowStockThreshold: 5, periodCheckIntervalMs: 250 } as const;
export const MAX_THRESHOLD = 1_000_000;

/** Checks the options (throws naming the bad one) and fills in defaults. */
export function checkOptions(options: InventoryOptions): Omit<InventoryDeps, 'logger'> {
  const roundPeriod = parseDuration(options.roundPeriod ?? DEFAULT_OPTIONS.roundPeriod);
  if (isZeroDuration(roundPeriod)) throw new Error('The round period must be longer than zero');
  const roundSchedule = parseRoundSchedule(options.roundSchedule ?? DEFAULT_OPTIONS.roundSchedule);
  const defaultThreshold = options.lowStockThreshold ?? DEFAULT_OPTIONS.lowStockThreshold;
  if (!Number.isInteger(defaultThreshold) || defaultThreshold < 0 || defaultThreshold > MAX_THRESHOLD) {
    throw new Error(`The low-stock threshold must be a whole number from 0 to ${MAX_THRESHOLD}`);
  }
  return { schema: SERVICE_NAME, roundPeriod, roundSchedule, defaultThreshold, periodCheckIntervalMs: options.periodCheckIntervalMs ?? DEFAULT_OPTIONS.periodCheckIntervalMs };
}
