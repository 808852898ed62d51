/** Every wait on Postgres is bounded (src/database.ts connectionSettings): statements, idle transactions, getting a connection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { PostgresListener } from '@distribution/events';
import { openServiceDatabase, type ServiceDatabase } from '../src/database.js';

describe('bounded waits on Postgres', () => {
  let url: string;
  let database: ServiceDatabase;
  let observer: pg.Client;

  beforeAll(async () => {
    url = await createTestDatabase('timeouts');
    database = await openServiceDatabase({
      url,
      schema: 'timeouts',
      migrations: [],
      poolSize: 2,
      timeouts: { statementMs: 300, idleInTransactionMs: 400, connectMs: 300 },
    });
    observer = new pg.Client({ connectionString: url });
    await observer.connect();
  });
  afterAll(async () => {
    await database?.close();
    await observer?.end();
  });

  it('sets the bounds on every service connection', async () => {
    const [row] = await database.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(row!.statement_timeout).toBe('300ms');
    const [idle] = await database.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout');
    expect(idle!.idle_in_transaction_session_timeout).toBe('400ms');
  });

  it('cancels a statement that runs past statement_timeout', async () => {
    await expect(database.query('SELECT pg_sleep(30)')).rejects.toMatchObject({ driverError: { code: '57014' } });
    // The connection is fine afterwards.
    expect(await database.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('ends a transaction left idle, freeing its locks', async () => {
    await database.query('CREATE TABLE IF NOT EXISTS held (id int PRIMARY KEY)');
    await database.query('INSERT INTO held VALUES (1) ON CONFLICT DO NOTHING');
    const runner = database.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      const [{ pid }] = await runner.query('SELECT pg_backend_pid() AS pid');
      await runner.query('SELECT id FROM held WHERE id = 1 FOR UPDATE');
      // The server ends the session holding the lock; nothing is done on the transaction meanwhile.
      await eventually(async () => (await observer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0);
      await expect(runner.query('SELECT 1')).rejects.toThrow();
      // The row lock went with it: another writer gets it at once.
      expect(await database.query('SELECT id FROM held WHERE id = 1 FOR UPDATE NOWAIT')).toEqual([{ id: 1 }]);
    } finally {
      await runner.release().catch(() => {});
    }
  });

  it('gives up waiting for a pool connection after the connect bound', async () => {
    const holders = [database.dataSource.createQueryRunner(), database.dataSource.createQueryRunner()];
    try {
      // Both pooled connections checked out (idle, outside any transaction: nothing ends them).
      for (const runner of holders) await runner.connect();
      await expect(database.query('SELECT 1')).rejects.toThrow(/timeout/i);
    } finally {
      for (const runner of holders) await runner.release().catch(() => {});
    }
    expect(await database.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('never ends the LISTEN connection: it waits outside any transaction', async () => {
    const listener = new PostgresListener(url, () => {}, { idleInTransactionMs: 100, statementMs: 100 });
    const heard: string[] = [];
    try {
      await listener.listen('timeouts_quiet', (payload) => heard.push(payload));
      // idle_in_transaction_session_timeout applies to sessions in state 'idle in transaction' only.
      const sessions = await observer.query("SELECT state FROM pg_stat_activity WHERE application_name = 'listener' AND datname = current_database()");
      expect(sessions.rows).toEqual([{ state: 'idle' }]);
      await observer.query("SELECT pg_notify('timeouts_quiet', 'still here')");
      await eventually(() => heard.includes('still here'));
    } finally {
      await listener.stop();
    }
  });
});
