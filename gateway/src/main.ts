/** `npm start -w @distribution/gateway`: runs the gateway until SIGINT/SIGTERM, then shuts it down cleanly. */
import { runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startGateway } from './server.js';

await runServiceProcess({
  name: 'gateway',
  usesDatabase: false,
  loadConfig: loadServiceConfig,
  start: (config, { logger }) => startGateway(config, { logger }),
});
