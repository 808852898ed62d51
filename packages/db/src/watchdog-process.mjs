/**
 * Internal: the embedded Postgres's watchdog, a process of its own that stops the server when the
 * process that started it dies, however it dies: SIGKILL included, which nothing inside a process
 * can catch. Its stdin is a pipe from that owner, and the kernel closes the owner's end when the
 * owner dies: end-of-file arrives at once, without polling. Then, if the data folder's
 * postmaster.pid still names the server, it asks for a fast shutdown (SIGINT) and, past a bound,
 * an immediate one (SIGQUIT: the next start replays the WAL, nothing committed is lost).
 *
 * Plain JavaScript run by `node` alone (no loader), so it starts in milliseconds and needs no build.
 * Usage: node watchdog-process.mjs <server pid> <data folder>
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;
const POLL_MS = 100;

const serverPid = Number(process.argv[2]);
const dataDir = process.argv[3];

/** True while the server is up: Postgres removes postmaster.pid on its way out. */
function serverIsUp() {
  let named;
  try {
    named = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return false;
  }
  if (named !== serverPid) return false; // another server since: not ours to stop
  try {
    process.kill(serverPid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function signal(name) {
  try {
    process.kill(serverPid, name);
  } catch {
    /* already gone */
  }
}

async function gone(withinMs) {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline;) {
    if (!serverIsUp()) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return !serverIsUp();
}

let stopping = false;
async function stopServer() {
  if (stopping) return;
  stopping = true;
  if (serverIsUp()) {
    signal('SIGINT');
    if (!(await gone(FAST_SHUTDOWN_MS))) {
      signal('SIGQUIT');
      await gone(IMMEDIATE_SHUTDOWN_MS);
    }
  }
  process.exit(0);
}

if (!Number.isInteger(serverPid) || serverPid <= 0 || !dataDir) process.exit(2);
process.stdin.on('end', stopServer);
process.stdin.on('close', stopServer);
process.stdin.on('error', stopServer);
process.stdin.resume();
