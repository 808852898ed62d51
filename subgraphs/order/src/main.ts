/** `npm start -w @distribution/order`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { commonServiceSettings, runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startOrderService } from './index.js';

await runServiceProcess({
  name: 'order',
  loadConfig: loadServiceConfig,
  start: (config, given) =>
    startOrderService({
      ...commonServiceSettings(config, given),
      placeOrderWaitMs: config.placeOrderWaitMs,
      resolutionTimeoutMs: config.resolutionTimeoutMs,
    }),
});
