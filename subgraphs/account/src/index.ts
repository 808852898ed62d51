/** The account service: its definition, and a helper that starts it (tests, the root start script). */
import { KeyRing } from '@distribution/auth';
import { startService, type RunningService, type ServiceSettings } from '@distribution/server';
import { ensureFirstOperator } from './first-operator.js';
import { DEFAULT_LIFETIMES, DEFAULT_LOCKOUT, type AccountSettings } from './settings.js';
import { createAccountService } from './subgraph.js';

export { createAccountService, typeDefs, ACCOUNT_SCHEMA, JWKS_PATH } from './subgraph.js';
export { migrations } from './db/migrations/index.js';
export { DEFAULT_LIFETIMES, DEFAULT_LOCKOUT, type AccountSettings, type FirstOperator } from './settings.js';
export { DEVELOPMENT_KEY_FILE, developmentSigningKeys, loadSigningKeys } from './keys/key-source.js';
export { createOperator, operatorProblem } from './first-operator.js';
export { passwordProblem, PASSWORD_MIN_LENGTH } from './domain/credentials.js';
export type { AccountContext } from './context.js';

export interface AccountServiceSettings extends ServiceSettings, Partial<Omit<AccountSettings, 'keys'>> {
  keys: KeyRing;
}

export interface RunningAccountService extends RunningService {
  /** The key ring the service signs with: `replace` rotates it (tests, a reload). */
  keys: KeyRing;
  /** The JWKS URL of this service. */
  jwksUrl: string;
}

/** Starts the account subgraph; creates the first operator when configured and none exists. */
export async function startAccountService(settings: AccountServiceSettings): Promise<RunningAccountService> {
  const { keys, accessTokenSeconds, refreshTokenSeconds, lockout, firstOperator, ...service } = settings;
  const accountSettings: AccountSettings = {
    keys,
    accessTokenSeconds: accessTokenSeconds ?? DEFAULT_LIFETIMES.accessTokenSeconds,
    refreshTokenSeconds: refreshTokenSeconds ?? DEFAULT_LIFETIMES.refreshTokenSeconds,
    lockout: lockout ?? DEFAULT_LOCKOUT,
    firstOperator,
  };
  const running = await startService(createAccountService(accountSettings), service);
  try {
    const operator = await ensureFirstOperator(running.database, firstOperator);
    if (operator === 'created') service.logger.info({ email: firstOperator!.email }, 'first operator account created');
  } catch (error) {
    await running.stop();
    throw error;
  }
  return { ...running, keys, jwksUrl: running.url.replace(/\/graphql$/, '/.well-known/jwks.json') };
}
