/** Runs the inventory subgraph as a process: config from the environment, stops cleanly on a signal. */
import { locateDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { loadServiceConfig } from './config.js';
import { startInventoryService } from './index.js';

const config = loadServiceConfig(process.env);
const logger = createLogger('inventory', config.logLevel);
// DATABASE_URL when set (config checked it is a URL), otherwise the project's embedded Postgres.
const location = await locateDatabase(process.env, (message) => logger.info(message));
const service = await startInventoryService({
  databaseUrl: location.url,
  port: config.port,
  internalCredential: config.internalCredential,
  logger,
  eventBatchSize: config.eventBatchSize,
  eventPollIntervalMs: config.eventPollIntervalMs,
  roundPeriod: config.roundPeriod,
  lowStockThreshold: config.lowStockThreshold,
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping inventory');
  try {
    await service.stop();
    await location.embedded?.stop();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'inventory did not stop cleanly');
    process.exit(1);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
