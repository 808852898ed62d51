/** `npm start -w @distribution/manufacturer`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { locateDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { loadServiceConfig } from './config.js';
import { startManufacturerService } from './index.js';

let config: ReturnType<typeof loadServiceConfig>;
try {
  config = loadServiceConfig(process.env);
} catch (error) {
  // A ConfigError already names every wrong variable; a stack trace would only hide that.
  console.error((error as Error).message);
  process.exit(1);
}
const logger = createLogger('manufacturer', config.logLevel);

let location: Awaited<ReturnType<typeof locateDatabase>> | null = null;
try {
  // No DATABASE_URL: an embedded Postgres owned by the project (development only).
  location = await locateDatabase({ ...process.env, DATABASE_URL: config.databaseUrl }, (message) => logger.debug({ postgres: message }));
  const service = await startManufacturerService({
    databaseUrl: location.url,
    port: config.port,
    internalCredential: config.internalCredential,
    logger,
    eventBatchSize: config.eventBatchSize,
    eventPollIntervalMs: config.eventPollIntervalMs,
  });
  logger.info({ url: service.url }, `manufacturer subgraph ready at ${service.url}`);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    // A second signal while draining means "now".
    process.once(signal, () => process.exit(1));
    service.stop()
      .then(() => location?.embedded?.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  logger.fatal({ err: error }, 'manufacturer subgraph failed to start');
  process.exitCode = 1;
  // An embedded Postgres would otherwise outlive the failed start.
  await location?.embedded?.stop().catch(() => {});
}
