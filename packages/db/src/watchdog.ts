/**
 * Internal: starts the watchdog (watchdog-process.mjs) that stops an embedded Postgres when its owner
 * dies without stopping it: SIGKILL, the OOM killer, a closed terminal.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./watchdog-process.mjs', import.meta.url));

export interface Watchdog {
  /** Lets the watchdog go once the server has stopped: it then exits without doing anything. */
  release(): void;
}

/** Watches this process on behalf of the server `serverPid` running on `dataDir`. */
export function watchForOwnerDeath(serverPid: number, dataDir: string): Watchdog {
  // A loader such as tsx in NODE_OPTIONS would only slow the watchdog down: it is plain JavaScript.
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const watchdog = spawn(process.execPath, [SCRIPT, String(serverPid), dataDir], {
    // Apart from the owner's process group, like the server: whatever ends the owner's group
    // (a closed terminal, a kill of the whole job) leaves the watchdog there to act.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env,
  });
  // Without a watchdog the server still stops on every other way out, and the next start stops a
  // server left running: a failed spawn is not a reason to refuse to start.
  watchdog.on('error', () => {});
  watchdog.stdin!.on('error', () => {});
  // Neither the watchdog nor the pipe to it keeps the owner alive.
  watchdog.unref();
  (watchdog.stdin as Socket).unref();
  return {
    release: () => {
      watchdog.stdin!.end();
    },
  };
}
