/** Sessions: families of single-use refresh tokens, stored by their SHA-256 only. */
import type { Sql } from '@distribution/db';

export interface RefreshTokenUse {
  familyId: string;
  accountId: string;
  /** The token had been used before: someone replays it. */
  reused: boolean;
  /** The family was revoked (signed out, replayed, password changed), or the token is past its time. */
  expired: boolean;
}

export async function startFamily(sql: Sql, accountId: string): Promise<string> {
  const rows = await sql.query<{ id: string }>('INSERT INTO session_family (account_id) VALUES ($1) RETURNING id', [accountId]);
  return rows[0]!.id;
}

export async function recordRefreshToken(sql: Sql, familyId: string, tokenHash: Buffer, expiresAt: Date): Promise<void> {
  await sql.query('INSERT INTO refresh_token (token_hash, family_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, familyId, expiresAt]);
}

/**
 * Marks the token used, once: of two requests with the same token only one finds it unused (the
 * row lock makes the second wait, then see used_at). Null when no such token was ever issued.
 */
export async function useRefreshToken(sql: Sql, tokenHash: Buffer): Promise<RefreshTokenUse | null> {
  const rows = await sql.query<{ familyId: string; accountId: string; reused: boolean; expired: boolean }>(
    `WITH token AS (SELECT token_hash, family_id, expires_at, used_at FROM refresh_token WHERE token_hash = $1 FOR UPDATE),
     used AS (UPDATE refresh_token r SET used_at = now() FROM token WHERE r.token_hash = token.token_hash AND token.used_at IS NULL RETURNING r.token_hash)
     SELECT token.family_id AS "familyId", f.account_id AS "accountId",
            token.used_at IS NOT NULL AS reused,
            (f.revoked_at IS NOT NULL OR token.expires_at <= now()) AS expired
     FROM token JOIN session_family f ON f.id = token.family_id`,
    [tokenHash],
  );
  return rows[0] ?? null;
}

export type RevocationReason = 'SIGNED_OUT' | 'REUSED' | 'PASSWORD_CHANGED';

export async function revokeFamily(sql: Sql, familyId: string, reason: RevocationReason): Promise<void> {
  await sql.query('UPDATE session_family SET revoked_at = now(), revoked_because = $2 WHERE id = $1 AND revoked_at IS NULL', [familyId, reason]);
}

/** Ends the session the token belongs to; false when there is no such token. */
export async function revokeFamilyOfToken(sql: Sql, tokenHash: Buffer, reason: RevocationReason): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE session_family SET revoked_at = coalesce(revoked_at, now()), revoked_because = coalesce(revoked_because, $2)
     WHERE id = (SELECT family_id FROM refresh_token WHERE token_hash = $1) RETURNING id`,
    [tokenHash, reason],
  );
  return rows.length > 0;
}

/** Ends every session of the account (a new password signs everyone out). */
export async function revokeAccountFamilies(sql: Sql, accountId: string, reason: RevocationReason): Promise<void> {
  await sql.query('UPDATE session_family SET revoked_at = now(), revoked_because = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, reason]);
}

/** Forgets refresh tokens past their time (and sessions left with none): housekeeping, not security. */
export async function forgetExpiredTokens(sql: Sql): Promise<void> {
  await sql.query(`DELETE FROM refresh_token WHERE expires_at < now() - interval '1 day'`);
  await sql.query(`DELETE FROM session_family f WHERE NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.family_id = f.id) AND f.started_at < now() - interval '1 day'`);
}
