/** Where the database is: DATABASE_URL when set, otherwise a project-owned embedded server. */
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded.js';

export interface DatabaseLocation {
  url: string;
  embedded: EmbeddedPostgresHandle | null;
}

export const EMBEDDED_DATA_DIR = path.resolve(process.env.EMBEDDED_PG_DIR ?? '.data/postgres');
export const EMBEDDED_DEFAULT_PORT = 54329;

/** DATABASE_URL, or the embedded server started (`log`: its output; `notice`: lines for the user). */
export async function locateDatabase(env: NodeJS.ProcessEnv = process.env, log?: (m: string) => void, notice?: (line: string) => void): Promise<DatabaseLocation> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres({
    dataDir: EMBEDDED_DATA_DIR,
    port: Number(env.EMBEDDED_PG_PORT ?? EMBEDDED_DEFAULT_PORT),
    log,
    notice,
  });
  return { url: embedded.url, embedded };
}

/** Same server, another database: used to give each test file a database of its own. */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
