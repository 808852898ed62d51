/** Runs the order subgraph as a process: configuration from the environment, stops cleanly on SIGINT/SIGTERM. */
import { ConfigError } from '@distribution/config';
import { locateDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { loadServiceConfig } from './config.js';
import { startOrderService } from './index.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadServiceConfig>;
  try {
    config = loadServiceConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = createLogger('order', config.logLevel);
  const database = config.databaseUrl
    ? { url: config.databaseUrl, embedded: null }
    : await locateDatabase(process.env, (message) => logger.debug({ postgres: message }, 'embedded postgres'));
  if (database.embedded) logger.warn({ url: database.url.replace(/:[^:@/]+@/, ':***@') }, 'DATABASE_URL is not set: using the embedded development Postgres');

  const service = await startOrderService({
    databaseUrl: database.url,
    port: config.port,
    internalCredential: config.internalCredential,
    logger,
    eventBatchSize: config.eventBatchSize,
    eventPollIntervalMs: config.eventPollIntervalMs,
    jwtSecret: config.jwtSecret,
    placeOrderWaitMs: config.placeOrderWaitMs,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    try {
      await service.stop();
      await database.embedded?.stop();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stop failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
