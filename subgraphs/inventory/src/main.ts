/** `npm start -w @distribution/inventory`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startInventoryService } from './index.js';

await runServiceProcess({
  name: 'inventory',
  loadConfig: loadServiceConfig,
  start: (config, { databaseUrl, logger }) =>
    startInventoryService({
      databaseUrl,
      port: config.port,
      metricsPort: config.metricsPort,
      internalCredential: config.internalCredential,
      logger,
      eventBatchSize: config.eventBatchSize,
      eventPollIntervalMs: config.eventPollIntervalMs,
      eventTransport: config.eventTransport,
      databaseTimeouts: config.databaseTimeouts,
      roundPeriod: config.roundPeriod,
      roundSchedule: config.roundSchedule,
      lowStockThreshold: config.lowStockThreshold,
    }),
});
