/** `npm start -w gateway`: runs the gateway until SIGINT/SIGTERM, then shuts it down cleanly. */
import { createLogger } from '@distribution/logging';
import { loadServiceConfig } from './config.js';
import { startGateway } from './server.js';

let config: ReturnType<typeof loadServiceConfig>;
try {
  config = loadServiceConfig(process.env);
} catch (error) {
  // A ConfigError already names every wrong variable; a stack trace would only hide that.
  console.error((error as Error).message);
  process.exit(1);
}
const logger = createLogger('gateway', config.logLevel);

try {
  const gateway = await startGateway(config, { logger });
  logger.info({ url: gateway.url }, `gateway ready at ${gateway.url}`);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    // A second signal while draining means "now": do not make the operator wait.
    process.once(signal, () => process.exit(1));
    gateway.stop().then(
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
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exitCode = 1;
}
