/** Losing the LISTEN connection, for real: what subscriptions fed by NOTIFY must survive without missing a change. */
import pg from 'pg';
import { eventually } from './database.js';

/** How PostgresListener names its connection (application_name). */
const LISTENER = 'listener';

/**
 * Ends every LISTEN connection to the database at `url` (as a network failure or a database
 * failover would), waits until they are gone, runs `change` (a NOTIFY it commits reaches no one),
 * and fails if a listener was back before `change` finished: then it was not made in the gap.
 * Returns how many connections were cut. The listeners reconnect on their own.
 */
export async function duringListenOutage(url: string, change: () => Promise<unknown>): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const listeners = `FROM pg_stat_activity WHERE application_name = '${LISTENER}' AND datname = current_database()`;
    const { rows } = await admin.query<{ pid: number }>(`SELECT pid, pg_terminate_backend(pid) ${listeners}`);
    const pids = rows.map((row) => row.pid);
    if (pids.length === 0) throw new Error('no LISTEN connection to cut');
    await eventually(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount === 0, { intervalMs: 5 });
    await change();
    const back = (await admin.query(`SELECT count(*)::int AS n ${listeners}`)).rows[0].n as number;
    if (back > 0) throw new Error(`${back} LISTEN connection(s) were back before the change was committed: it was not made in the gap`);
    return pids.length;
  } finally {
    await admin.end();
  }
}
