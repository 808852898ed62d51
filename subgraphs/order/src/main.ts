/** `npm start -w @distribution/order`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startOrderService } from './index.js';

await runServiceProcess({
  name: 'order',
  loadConfig: loadServiceConfig,
  start: (config, { databaseUrl, logger }) =>
    startOrderService({
      databaseUrl,
      port: config.port,
      metricsPort: config.metricsPort,
      internalCredential: config.internalCredential,
      logger,
      eventBatchSize: config.eventBatchSize,
      eventPollIntervalMs: config.eventPollIntervalMs,
      eventTransport: config.eventTransport,
      databaseTimeouts: config.databaseTimeouts,
      placeOrderWaitMs: config.placeOrderWaitMs,
      resolutionTimeoutMs: config.resolutionTimeoutMs,
    }),
});
