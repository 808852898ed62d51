/**
 * Retries a piece of a transaction that lost a deadlock or a serialization conflict. The lock
 * order (locks.ts) should make this never happen; if it does, it is logged, never surfaced.
 */
import type { Logger } from '@distribution/logging';
import type { Sql } from '@distribution/db';

const RETRYABLE = new Set(['40P01', '40001']);

const codeOf = (error: unknown) => (error as { code?: string })?.code ?? (error as { driverError?: { code?: string } })?.driverError?.code;

/** Runs `work` under a savepoint and runs it again (up to `attempts` times) after a deadlock or serialization failure. */
export async function retryOnConflict<T>(sql: Sql, logger: Logger, what: string, work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await sql.query('SAVEPOINT retryable_work');
    try {
      const result = await work();
      await sql.query('RELEASE SAVEPOINT retryable_work');
      return result;
    } catch (error) {
      const code = codeOf(error);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await sql.query('ROLLBACK TO SAVEPOINT retryable_work');
      logger.warn({ err: error, code, attempt, what }, 'transaction conflict (deadlock or serialization); retrying');
    }
  }
}
