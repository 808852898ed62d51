/** The inventory subgraph's public surface: its definition and how to start it. */
import { startService, type RunningService, type ServiceSettings } from '@distribution/server';
import { createInventoryService } from './subgraph.js';
import type { InventoryOptions } from './settings.js';

export { inventoryService, createInventoryService } from './subgraph.js';
export type { InventoryContext } from './context.js';
export type { InventoryOptions } from './settings.js';

/** Starts inventory (used by tests and by the root start script). */
export function startInventoryService(settings: ServiceSettings & InventoryOptions): Promise<RunningService> {
  const { roundPeriod, roundSchedule, lowStockThreshold, periodCheckIntervalMs, ...service } = settings;
  return startService(createInventoryService({ roundPeriod, roundSchedule, lowStockThreshold, periodCheckIntervalMs }), service);
}
