/** The account subgraph: every role's credentials, sessions and signing keys, and customers' names. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { ServiceDefinition } from '@distribution/server';
import { createAccountContext, type AccountContext } from './context.js';
import { forgetExpiredTokens } from './db/sessions.js';
import { forgetOldFailures } from './db/sign-in-failures.js';
import { migrations } from './db/migrations/index.js';
import { resolvers } from './resolvers/index.js';
import type { AccountSettings } from './settings.js';

export const typeDefs = gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const ACCOUNT_SCHEMA = 'account';
/** Where the public halves of the signing keys are, on the account service and on the gateway. */
export const JWKS_PATH = '/.well-known/jwks.json';
const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

export function createAccountService(settings: AccountSettings): ServiceDefinition<AccountContext> {
  return {
    name: ACCOUNT_SCHEMA,
    typeDefs,
    resolvers,
    migrations,
    createContext: (base, runtime) => createAccountContext(base, runtime, settings),
    publicRoutes: {
      [JWKS_PATH]: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=60' });
        res.end(JSON.stringify(settings.keys.publicKeySet()));
      },
    },
    startBackgroundWork: ({ database, logger }) => {
      // Expired refresh tokens and old failure counts are forgotten now and then: nothing depends on it but disk space.
      const timer = setInterval(() => {
        Promise.all([forgetExpiredTokens(database), forgetOldFailures(database, settings.lockout.lockoutSeconds)]).catch((error) =>
          logger.warn({ err: error }, 'account housekeeping failed; it runs again later'),
        );
      }, HOUSEKEEPING_INTERVAL_MS);
      timer.unref();
      return async () => clearInterval(timer);
    },
  };
}
