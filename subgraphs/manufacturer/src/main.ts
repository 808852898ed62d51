/** `npm start -w @distribution/manufacturer`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startManufacturerService } from './index.js';

await runServiceProcess({
  name: 'manufacturer',
  loadConfig: loadServiceConfig,
  start: (config, { databaseUrl, logger }) =>
    startManufacturerService({
      databaseUrl,
      port: config.port,
      metricsPort: config.metricsPort,
      internalCredential: config.internalCredential,
      logger,
      eventBatchSize: config.eventBatchSize,
      eventPollIntervalMs: config.eventPollIntervalMs,
      eventTransport: config.eventTransport,
      databaseTimeouts: config.databaseTimeouts,
    }),
});
