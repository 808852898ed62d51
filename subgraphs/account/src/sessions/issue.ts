/** A session: a short access token (JWT) and a single-use refresh token in a family that can be revoked. */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyRing } from '@distribution/auth';
import type { Sql } from '@distribution/db';
import type { AccountRecord } from '../db/accounts.js';
import { recordRefreshToken, startFamily } from '../db/sessions.js';

export interface SessionLifetimes {
  /** Access tokens live this long (seconds). */
  accessTokenSeconds: number;
  /** A refresh token is good this long (seconds); each refresh hands out a new one. */
  refreshTokenSeconds: number;
}

export interface IssuedSession {
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
  role: AccountRecord['role'];
  subject: string;
}

/** 32 random bytes, base64url: what a refresh token looks like (43 characters). */
export const REFRESH_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** The stored form of a refresh token: its SHA-256 (the token has 256 random bits: no salt is needed). */
export const refreshTokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Signs an access token and records a new refresh token, in `familyId` or in a new family (a sign-in). */
export async function issueSession(sql: Sql, keys: KeyRing, lifetimes: SessionLifetimes, account: AccountRecord, familyId?: string): Promise<IssuedSession> {
  const family = familyId ?? (await startFamily(sql, account.id));
  const refreshToken = randomBytes(32).toString('base64url');
  const refreshExpiresAt = new Date(Date.now() + lifetimes.refreshTokenSeconds * 1000);
  await recordRefreshToken(sql, family, refreshTokenHash(refreshToken), refreshExpiresAt);
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + lifetimes.accessTokenSeconds) * 1000);
  const accessToken = await keys.sign({ sub: account.subject, role: account.role }, expiresAt);
  return { accessToken, expiresAt, refreshToken, refreshExpiresAt, role: account.role, subject: account.subject };
}

/** A session as the schema's Session type shows it. */
export function sessionFields(session: IssuedSession) {
  return {
    accessToken: session.accessToken,
    expiresAt: session.expiresAt.toISOString(),
    refreshToken: session.refreshToken,
    refreshExpiresAt: session.refreshExpiresAt.toISOString(),
    role: session.role,
    subject: session.subject,
  };
}
