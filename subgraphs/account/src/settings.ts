/** What the account service is started with. */
import type { KeyRing } from '@distribution/auth';
import type { LockoutRules } from './db/sign-in-failures.js';
import type { SessionLifetimes } from './sessions/issue.js';

export interface FirstOperator {
  email: string;
  password: string;
  name?: string;
}

export interface AccountSettings extends SessionLifetimes {
  /** Signs access tokens (the first key) and publishes them all as the JWKS. */
  keys: KeyRing;
  lockout: LockoutRules;
  /** Created on start when no operator account exists yet (OPERATOR_EMAIL / OPERATOR_PASSWORD). */
  firstOperator?: FirstOperator;
}

export const DEFAULT_LIFETIMES: SessionLifetimes = { accessTokenSeconds: 15 * 60, refreshTokenSeconds: 14 * 24 * 3600 };
export const DEFAULT_LOCKOUT: LockoutRules = { maxFailures: 5, lockoutSeconds: 15 * 60 };
