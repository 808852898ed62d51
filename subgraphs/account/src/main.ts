/** `npm start -w @distribution/account`: runs the subgraph until SIGINT/SIGTERM, then stops cleanly. */
import { KeyRing } from '@distribution/auth';
import { commonServiceSettings, runServiceProcess } from '@distribution/server';
import { loadServiceConfig } from './config.js';
import { loadSigningKeys, startAccountService } from './index.js';

await runServiceProcess({
  name: 'account',
  loadConfig: loadServiceConfig,
  start: async (config, given) =>
    startAccountService({
      ...commonServiceSettings(config, given),
      keys: new KeyRing(await loadSigningKeys({ keysJson: config.signingKeys })),
      accessTokenSeconds: config.accessTokenSeconds,
      refreshTokenSeconds: config.refreshTokenSeconds,
      lockout: config.lockout,
      firstOperator: config.firstOperator,
    }),
});
