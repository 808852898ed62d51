/** Signing in and out, refreshing a session, changing a password. */
import { requireIdentity } from '@distribution/auth';
import { sqlOf } from '@distribution/db';
import { badUserInput, forbidden, invalidCredentials, rateLimited, unauthenticated } from '@distribution/errors';
import type { AccountContext } from '../context.js';
import { accountByEmail, accountById, accountBySubject, setPasswordHash, type AccountRecord } from '../db/accounts.js';
import { revokeAccountFamilies, revokeFamily, revokeFamilyOfToken, useRefreshToken } from '../db/sessions.js';
import { clearFailures, lockedFor, recordFailure } from '../db/sign-in-failures.js';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, passwordProblem } from '../domain/credentials.js';
import type { MutationChangePasswordArgs, MutationRefreshSessionArgs, MutationSignInArgs, MutationSignOutArgs } from '../generated/resolvers-types.js';
import { hashPassword, passwordMatches } from '../passwords.js';
import { REFRESH_TOKEN_FORMAT, issueSession, refreshTokenHash, sessionFields, type IssuedSession } from '../sessions/issue.js';

const staleRefreshToken = () => unauthenticated('The refresh token is no longer valid; sign in again');
const tooManyFailures = (seconds: number) => rateLimited(seconds, `Too many failed sign-ins for this email; try again in ${seconds} s`);

/**
 * Checks the password of the account with `email` the same way whether or not there is one: the
 * locked check, the lookup and one argon2 verification always happen (a dummy hash for an unknown
 * email), and every refusal reads the same. The account when the password is right.
 */
async function provePassword(ctx: AccountContext, email: string, password: string): Promise<AccountRecord> {
  const { database, settings } = ctx;
  const [locked, account] = await Promise.all([lockedFor(database, email), accountByEmail(database, email)]);
  const matches = await passwordMatches(account?.passwordHash, password);
  if (locked > 0) throw tooManyFailures(locked);
  if (!account || !matches) {
    await recordFailure(database, email, settings.lockout);
    throw invalidCredentials();
  }
  await clearFailures(database, email);
  return account;
}

export const sessionResolvers = {
  Mutation: {
    signIn: async (_: unknown, { input }: MutationSignInArgs, ctx: AccountContext) => {
      const email = input.email.trim();
      // Nothing this long is an account's email or password: refused before any hashing work.
      if (email.length === 0 || email.length > EMAIL_MAX_LENGTH || [...input.password].length > PASSWORD_MAX_LENGTH) throw invalidCredentials();
      const account = await provePassword(ctx, email, input.password);
      return sessionFields(await issueSession(ctx.database, ctx.settings.keys, ctx.settings, account));
    },

    refreshSession: async (_: unknown, { input }: MutationRefreshSessionArgs, ctx: AccountContext) => {
      if (!REFRESH_TOKEN_FORMAT.test(input.refreshToken)) throw staleRefreshToken();
      const { settings } = ctx;
      // The outcome leaves the transaction as a value: a replay's revocation must commit, not roll back with an error.
      const outcome = await ctx.database.transaction(async (manager): Promise<IssuedSession | 'refused'> => {
        const sql = sqlOf(manager);
        const use = await useRefreshToken(sql, refreshTokenHash(input.refreshToken));
        if (!use || use.expired) return 'refused';
        if (use.reused) {
          // Two holders of one token: one of them stole it. Neither may go on.
          await revokeFamily(sql, use.familyId, 'REUSED');
          ctx.logger.warn({ familyId: use.familyId, accountId: use.accountId }, 'a refresh token was used twice; its session is revoked');
          return 'refused';
        }
        const account = await accountById(sql, use.accountId);
        return account ? issueSession(sql, settings.keys, settings, account, use.familyId) : 'refused';
      });
      if (outcome === 'refused') throw staleRefreshToken();
      return sessionFields(outcome);
    },

    signOut: async (_: unknown, { input }: MutationSignOutArgs, ctx: AccountContext) => {
      // The same answer whether or not the token meant anything: signing out is never an oracle.
      if (REFRESH_TOKEN_FORMAT.test(input.refreshToken)) await revokeFamilyOfToken(ctx.database, refreshTokenHash(input.refreshToken), 'SIGNED_OUT');
      return true;
    },

    changePassword: async (_: unknown, { input }: MutationChangePasswordArgs, ctx: AccountContext) => {
      const who = requireIdentity(ctx.identity);
      const account = await accountBySubject(ctx.database, who.role, who.sub);
      if (!account) throw forbidden('This sign-in has no password here: change it where you signed in');
      if ([...input.currentPassword].length > PASSWORD_MAX_LENGTH) throw invalidCredentials('The current password is wrong');
      await provePassword(ctx, account.email, input.currentPassword).catch((error: unknown) => {
        throw (error as { extensions?: { code?: string } }).extensions?.code === 'INVALID_CREDENTIALS' ? invalidCredentials('The current password is wrong') : error;
      });
      const problem = passwordProblem(input.newPassword, account.email);
      if (problem) throw badUserInput(problem, { field: 'newPassword' });
      if (input.newPassword === input.currentPassword) throw badUserInput('The new password must differ from the current one', { field: 'newPassword' });
      const passwordHash = await hashPassword(input.newPassword);
      const { settings } = ctx;
      const session = await ctx.database.transaction(async (manager) => {
        const sql = sqlOf(manager);
        await setPasswordHash(sql, account.id, passwordHash);
        // Whoever knew the old password is signed out everywhere; the caller gets a new session.
        await revokeAccountFamilies(sql, account.id, 'PASSWORD_CHANGED');
        return issueSession(sql, settings.keys, settings, account);
      });
      return sessionFields(session);
    },
  },
};
