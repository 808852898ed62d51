/**
 * Failed sign-ins per email named (its SHA-256), whether or not an account has it: an unknown
 * email locks exactly like a known one, so a lockout tells nothing about who is registered.
 */
import { createHash } from 'node:crypto';
import type { Sql } from '@distribution/db';

export interface LockoutRules {
  /** Failures in a row that lock the email. */
  maxFailures: number;
  /** How long a lock lasts; also how long failures are remembered between two of them. */
  lockoutSeconds: number;
}

export const emailKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest();

/** Seconds until the email may try again, or 0 when it is not locked. */
export async function lockedFor(sql: Sql, email: string): Promise<number> {
  const rows = await sql.query<{ seconds: number }>(
    `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS seconds FROM sign_in_failure WHERE email_hash = $1 AND locked_until > now()`,
    [emailKey(email)],
  );
  return rows[0]?.seconds ?? 0;
}

/** Counts a failure; the failure that reaches `maxFailures` locks the email and starts the count again. */
export async function recordFailure(sql: Sql, email: string, rules: LockoutRules): Promise<void> {
  await sql.query(
    `INSERT INTO sign_in_failure AS f (email_hash, failures, last_failure_at, locked_until)
     VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + make_interval(secs => $3) END)
     ON CONFLICT (email_hash) DO UPDATE SET
       failures = CASE WHEN f.last_failure_at < now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END % $2,
       last_failure_at = now(),
       locked_until = CASE
         WHEN (CASE WHEN f.last_failure_at < now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END) >= $2
         THEN now() + make_interval(secs => $3) ELSE f.locked_until END`,
    [emailKey(email), rules.maxFailures, rules.lockoutSeconds],
  );
}

export async function clearFailures(sql: Sql, email: string): Promise<void> {
  await sql.query('DELETE FROM sign_in_failure WHERE email_hash = $1', [emailKey(email)]);
}

/** Forgets failures older than a lock: housekeeping. */
export async function forgetOldFailures(sql: Sql, lockoutSeconds: number): Promise<void> {
  await sql.query(`DELETE FROM sign_in_failure WHERE last_failure_at < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until < now())`, [lockoutSeconds]);
}
