import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase, migrate, sqlOf, type ServiceDatabase } from '@distribution/db';
import { createTestDatabase } from '@distribution/testkit';
import { retryOnConflict } from '../src/db/retry.js';
import { capturingLogger } from './support/harness.js';

class Scratch1700000000001 {
  name = 'Scratch1700000000001';
  async up(r: { query(s: string): Promise<unknown> }) {
    await r.query('CREATE TABLE attempt (n int)');
  }
  async down() {}
}

describe('retrying a batch that lost a lock conflict', () => {
  let database: ServiceDatabase;
  beforeAll(async () => {
    database = await openServiceDatabase({ url: await createTestDatabase('inv_retry'), schema: 'retry_check', migrations: [Scratch1700000000001] });
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  const fail = (code: string) => `DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '${code}'; END $$`;

  it.each(['40P01', '40001'])('rolls back only the failed attempt after %s, logs it, and commits the retry', async (code) => {
    const { logger, problems } = capturingLogger();
    let attempts = 0;
    await database.query('DELETE FROM attempt');
    await database.transaction((m) =>
      retryOnConflict(sqlOf(m), logger, 'test batch', async () => {
        attempts += 1;
        await m.query('INSERT INTO attempt VALUES ($1)', [attempts]);
        if (attempts === 1) await m.query(fail(code));
      }),
    );
    expect(attempts).toBe(2);
    expect(await database.query('SELECT n FROM attempt')).toEqual([{ n: 2 }]);
    expect(problems()).toMatchObject([{ msg: expect.stringContaining('retrying'), code, attempt: 1, what: 'test batch' }]);
  });

  it('gives up after three attempts, and never retries other errors', async () => {
    const { logger } = capturingLogger();
    let attempts = 0;
    await expect(
      database.transaction((m) =>
        retryOnConflict(sqlOf(m), logger, 'always', async () => {
          attempts += 1;
          await m.query(fail('40P01'));
        }),
      ),
    ).rejects.toThrow('conflict');
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(
      database.transaction((m) =>
        retryOnConflict(sqlOf(m), logger, 'broken', async () => {
          attempts += 1;
          await m.query('SELECT 1/0');
        }),
      ),
    ).rejects.toThrow(/division by zero/);
    expect(attempts).toBe(1);
  });
});
