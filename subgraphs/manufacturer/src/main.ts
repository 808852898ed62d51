/** `npm start -w @distribution/manufacturer`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { commonServiceSettings, runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { startManufacturerService } from './index.js';

await runServiceProcess({
  name: 'manufacturer',
  loadConfig: loadServiceConfig,
  start: (config, given) =>
    startManufacturerService({
      ...commonServiceSettings(config, given),
    }),
});
