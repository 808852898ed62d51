/** `npm start -w @distribution/inventory`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { commonServiceSettings, runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startInventoryService } from './index.js';

await runServiceProcess({
  name: 'inventory',
  loadConfig: loadServiceConfig,
  start: (config, given) =>
    startInventoryService({
      ...commonServiceSettings(config, given),
      roundPeriod: config.roundPeriod,
      roundSchedule: config.roundSchedule,
      lowStockThreshold: config.lowStockThreshold,
    }),
});
