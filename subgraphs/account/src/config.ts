/** Settings of the account subgraph, read from the environment. */
import { SUBGRAPH_PRODUCTION_VARIABLES, env, loadSubgraphConfig, subgraphVariables, z } from '@distribution/config';
import { DEFAULT_LIFETIMES, DEFAULT_LOCKOUT } from './settings.js';

export const configShape = {
  ...subgraphVariables(4004, 9468),
  // A JWK Set of private Ed25519 keys: the first signs, all are published. Unset (development only):
  // the key file .data/signing-keys.json, made on first start.
  ACCOUNT_SIGNING_KEYS: env.secret().optional(),
  ACCESS_TOKEN_TTL_SECONDS: env.int(DEFAULT_LIFETIMES.accessTokenSeconds, 30),
  REFRESH_TOKEN_TTL_SECONDS: env.int(DEFAULT_LIFETIMES.refreshTokenSeconds, 60),
  SIGN_IN_MAX_FAILURES: env.int(DEFAULT_LOCKOUT.maxFailures, 1),
  SIGN_IN_LOCKOUT_SECONDS: env.int(DEFAULT_LOCKOUT.lockoutSeconds, 1),
  // The first operator, created on start while there is none (then these may go).
  OPERATOR_EMAIL: z.string().optional(),
  OPERATOR_PASSWORD: z.string().optional(),
};

/** What a container deployment must set: no embedded database, no development secret, real signing keys. */
export const productionVariables: string[] = [...SUBGRAPH_PRODUCTION_VARIABLES, 'ACCOUNT_SIGNING_KEYS'];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  const { settings, variables: v } = loadSubgraphConfig(configShape, productionVariables, environment);
  return {
    ...settings,
    signingKeys: v.ACCOUNT_SIGNING_KEYS,
    accessTokenSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenSeconds: v.REFRESH_TOKEN_TTL_SECONDS,
    lockout: { maxFailures: v.SIGN_IN_MAX_FAILURES, lockoutSeconds: v.SIGN_IN_LOCKOUT_SECONDS },
    firstOperator: v.OPERATOR_EMAIL && v.OPERATOR_PASSWORD ? { email: v.OPERATOR_EMAIL, password: v.OPERATOR_PASSWORD } : undefined,
  };
}
