/**
 * Internal: a Postgres left running on our data folder by an earlier run that died without
 * stopping it (its watchdog gone too), or a postmaster.pid left behind by one. Postgres refuses to
 * start on such a folder ("lock file postmaster.pid already exists"); this clears the way so that
 * the next start needs no hand. Linux only (it reads /proc); elsewhere Postgres's own check stands.
 */
import { readFileSync, readlinkSync, realpathSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** Set in the server's environment: who started it, so that a live owner's server is left alone. */
const OWNER_VARIABLE = 'EMBEDDED_PG_OWNER';
const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;
const POLL_MS = 50;

/** The database is in use by a live process: stopping it would pull it from under that process. */
export class DatabaseInUseError extends Error {}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** The state letter ('Z': exited, not yet reaped) and start time (clock ticks since boot) of `pid`. */
function processStat(pid: number): { state: string; startTime: string } | null {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, startTime: fields[19]! };
}

const running = (pid: number) => {
  const stat = processStat(pid);
  return stat !== null && stat.state !== 'Z';
};

/** This process, in a form that a later process reused under the same pid does not match. */
export function ownerMark(): Record<string, string> {
  return { [OWNER_VARIABLE]: `${process.pid}:${processStat(process.pid)?.startTime ?? ''}` };
}

function sameFolder(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

/** True when `pid` is a postmaster serving `dataDir` (and not a process that took over its pid). */
function isPostgresOn(pid: number, dataDir: string): boolean {
  const args = (readProc(pid, 'cmdline') ?? '').split('\0');
  if (path.basename(args[0] ?? '') !== 'postgres') return false;
  const flag = args.indexOf('-D');
  if (flag >= 0 && args[flag + 1]) return sameFolder(args[flag + 1]!, dataDir);
  try {
    return sameFolder(readlinkSync(`/proc/${pid}/cwd`), dataDir); // a postmaster works in its data folder
  } catch {
    return false;
  }
}

/** The pid of the process that started server `pid`, when that process is still alive. */
function liveOwner(pid: number): number | null {
  const mark = (readProc(pid, 'environ') ?? '').split('\0').find((entry) => entry.startsWith(`${OWNER_VARIABLE}=`));
  const [ownerPid, startTime] = (mark?.slice(OWNER_VARIABLE.length + 1) ?? '').split(':');
  const owner = Number(ownerPid);
  if (!Number.isInteger(owner) || owner <= 0) return null;
  const stat = processStat(owner);
  return stat && stat.state !== 'Z' && stat.startTime === startTime ? owner : null;
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline;) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return !running(pid);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH')
      throw new Error(`the database of an earlier run (pid ${pid}) is still running and cannot be stopped from here: stop it by hand`);
  }
}

function removeIfNaming(lockFile: string, pid: number): void {
  try {
    if (Number(readFileSync(lockFile, 'utf8').split('\n')[0]) === pid) unlinkSync(lockFile);
  } catch {
    /* already gone */
  }
}

/**
 * Stops a server that an earlier run left running on `dataDir` (fast shutdown, then immediate past
 * a bound) and removes a lock file whose pid now names another process. Returns the pid of the
 * server it stopped, or null when there was none.
 */
export async function stopEarlierRun(dataDir: string): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return null; // no lock file: no earlier server
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (!isPostgresOn(pid, dataDir)) {
    // A dead pid Postgres clears itself; a pid taken by another process since, it would not.
    if (processStat(pid) !== null) removeIfNaming(lockFile, pid);
    return null;
  }
  const owner = liveOwner(pid);
  if (owner !== null) {
    throw new DatabaseInUseError(`the database in ${dataDir} is in use by another running process (pid ${owner}); stop it first, or set EMBEDDED_PG_DIR to another folder`);
  }
  signal(pid, 'SIGINT'); // Postgres's fast shutdown: sessions ended, a checkpoint, then exit
  if (!(await gone(pid, FAST_SHUTDOWN_MS))) {
    signal(pid, 'SIGQUIT'); // immediate shutdown: the next start replays the WAL
    if (!(await gone(pid, IMMEDIATE_SHUTDOWN_MS))) {
      throw new Error(`the database of an earlier run (pid ${pid}) did not stop within ${(FAST_SHUTDOWN_MS + IMMEDIATE_SHUTDOWN_MS) / 1000} s: stop it by hand`);
    }
  }
  // Exited but never reaped (its parent died and nothing adopted it): Postgres would take the
  // zombie for a live server.
  removeIfNaming(lockFile, pid);
  return pid;
}
