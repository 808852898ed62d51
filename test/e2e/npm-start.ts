/**
 * Runs the real `npm start` (scripts/start.ts through tsx) as a terminal would, in a process group
 * of its own, on a data folder of the test's choosing and free ports: for tests of what survives
 * a crash.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
/** What start.ts prints once the services answer and the sample data is in. */
const READY_LINE = /First query answered \d+ ms after launch/;

export interface NpmStart {
  /** The tsx process, leader of the run's process group (the "terminal job"). */
  pid: number;
  gatewayUrl: string;
  /** The embedded Postgres's port and its postmaster's pid. */
  postgresPort: number;
  serverPid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to every process of the run's group: tsx and the node process that owns the database. */
  killAll(): void;
  /** Ctrl-C in the terminal. */
  interrupt(): void;
}

/** Starts `npm start` on `dataDir`; resolves once it prints its ready line, rejects if it exits first. */
export async function npmStart(dataDir: string, env: Record<string, string> = {}, withinMs = 90_000): Promise<NpmStart> {
  const { DATABASE_URL: _url, TEST_DATABASE_URL: _testUrl, NODE_ENV: _nodeEnv, VITEST: _vitest, ...inherited } = process.env;
  const child = spawn(process.execPath, [TSX, 'scripts/start.ts'], {
    cwd: ROOT,
    detached: true, // a group of its own, as a terminal gives a job
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: '0',
      GATEWAY_PORT: '0',
      MANUFACTURER_PORT: '0',
      INVENTORY_PORT: '0',
      ORDER_PORT: '0',
      ACCOUNT_PORT: '0',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const pid = child.pid!;
  const killAll = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      killAll();
      reject(new Error(`npm start was not ready within ${withinMs} ms:\n${output}`));
    }, withinMs);
    const onData = () => {
      if (READY_LINE.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (code ${code}, signal ${signal}) before it was ready:\n${output}`));
    });
  });
  const gatewayUrl = /Gateway \(GraphQL, Apollo Sandbox\):\s+(\S+)/.exec(output)![1]!;
  const postgresPort = Number(/embedded server on port (\d+)/.exec(output)![1]);
  return {
    pid,
    gatewayUrl,
    postgresPort,
    serverPid: lockFilePid(dataDir)!,
    output: () => output,
    exited,
    killAll,
    interrupt: () => {
      try {
        process.kill(-pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    },
  };
}

/** The pid postmaster.pid names, or null when there is no such file. */
export function lockFilePid(dataDir: string): number | null {
  try {
    return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

/** True while `pid` runs ('Z': exited, waiting to be reaped, counts as gone). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for `pid` to end; false if it still runs after `withinMs` (a bound on waiting, not a timing claim). */
export async function gone(pid: number, withinMs = 60_000): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline;) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !running(pid);
}

/** The pid of the watchdog that guards server `serverPid`, found by its command line. */
export function watchdogOf(serverPid: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.some((arg) => arg.endsWith('watchdog-process.mjs')) && args.includes(String(serverPid))) return Number(entry);
  }
  return null;
}
