/** `npm start -w @distribution/gateway`: runs the gateway until SIGINT/SIGTERM, then shuts it down cleanly. */
import { runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startGateway } from './server.js';

await runServiceProcess({
  name: 'gateway',
  usesDatabase: false,
  loadConfig: loadServiceConfig,
  start: async (config, { logger }) => {
    const gateway = await startGateway(config, { logger });
    if (gateway.metricsUrl) logger.info({ metricsUrl: gateway.metricsUrl }, `metrics at ${gateway.metricsUrl}`);
    return gateway;
  },
});
