import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/embedded.js';

const OWNER = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'owner.ts');

/** State and process group of `pid` ('Z': exited, waiting to be reaped), or null once it is gone. */
function processInfo(pid: number): { state: string; group: number } | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { state: fields[0]!, group: Number(fields[2]) };
  } catch {
    return null;
  }
}
const running = (pid: number) => {
  const info = processInfo(pid);
  return info !== null && info.state !== 'Z';
};
const serverPid = (dataDir: string) => Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/** The watchdog guarding server `serverPid`, found by its command line. */
function watchdogOf(serverPid: number): number | null {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let args: string[] = [];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.some((arg) => arg.endsWith('watchdog-process.mjs')) && args.includes(String(serverPid))) return Number(entry);
  }
  return null;
}

async function gone(pid: number, withinMs = 10_000): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline;) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !running(pid);
}

/** Runs fixtures/owner.ts: resolves once its server is up, with the server's pid and the owner's exit. */
async function startOwner(dataDir: string, mode: 'crash' | 'wait') {
  const owner = spawn(process.execPath, ['--import', 'tsx', OWNER, dataDir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => owner.once('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    owner.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('ready')) resolve();
    });
    owner.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    void exit.then(() => reject(new Error(`the owner exited before its server was up:\n${output}`)));
  });
  return { owner, exit, server: serverPid(dataDir) };
}

describe.skipIf(process.platform !== 'linux')('the embedded Postgres', () => {
  let dataDir: string;

  beforeAll(() => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-'));
    chmodSync(base, 0o755); // traversable by the `postgres` user the server runs as when tests run as root
    dataDir = path.join(base, 'data');
  });
  afterAll(() => {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('runs in a process group of its own, so a Ctrl-C in the terminal reaches its owner and not the database under it; stop() ends it', async () => {
    const handle = await startEmbeddedPostgres({ dataDir, port: 0 });
    const pid = serverPid(dataDir);
    try {
      expect(processInfo(pid)?.group).toBe(pid);
      expect(processInfo(pid)?.group).not.toBe(processInfo(process.pid)?.group);
      const client = new pg.Client({ connectionString: handle.url });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await handle.stop();
    }
    expect(running(pid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('is stopped when its owner crashes without stopping it', async () => {
    const { exit, server } = await startOwner(dataDir, 'crash');
    expect((await exit).code).toBe(1);
    expect(await gone(server)).toBe(true);
  });

  it('is stopped when a signal that nothing handles ends its owner, which still dies of that signal', async () => {
    const { owner, exit, server } = await startOwner(dataDir, 'wait');
    owner.kill('SIGINT');
    expect(await exit).toEqual({ code: null, signal: 'SIGINT' });
    expect(await gone(server)).toBe(true);
  });

  it('is stopped by its watchdog when its owner is killed with SIGKILL, which nothing in the owner can catch', async () => {
    const { owner, exit, server } = await startOwner(dataDir, 'wait');
    const watchdog = watchdogOf(server);
    expect(processInfo(watchdog!)?.group).toBe(watchdog); // apart from the owner's group, like the server
    owner.kill('SIGKILL');
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await gone(server)).toBe(true);
    expect(await gone(watchdog!)).toBe(true);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('stops a server an earlier owner left running (its watchdog killed too) and says so in one line', async () => {
    const { owner, exit, server } = await startOwner(dataDir, 'wait');
    process.kill(watchdogOf(server)!, 'SIGKILL');
    owner.kill('SIGKILL');
    await exit;
    expect(running(server)).toBe(true);
    const notices: string[] = [];
    const handle = await startEmbeddedPostgres({ dataDir, port: 0, notice: (line) => notices.push(line) });
    try {
      expect(notices).toEqual([`found the database of an earlier run still running (pid ${server}); stopped it`]);
      expect(running(server)).toBe(false);
      expect(serverPid(dataDir)).not.toBe(server);
    } finally {
      await handle.stop();
    }
  });

  it('leaves alone a server whose owner is alive, and refuses to start in one line', async () => {
    const { owner, exit, server } = await startOwner(dataDir, 'wait');
    try {
      const second = startEmbeddedPostgres({ dataDir, port: 0 });
      await expect(second).rejects.toThrow(
        `the database in ${dataDir} is in use by another running process (pid ${owner.pid}); stop it first, or set EMBEDDED_PG_DIR to another folder`,
      );
      expect(running(server)).toBe(true);
    } finally {
      owner.kill('SIGINT');
      await exit;
    }
    expect(await gone(server)).toBe(true);
  });

  it('starts over a postmaster.pid whose pid another process has taken since', async () => {
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(dataDir, 'postmaster.pid'), `${other.pid}\n${dataDir}\n`);
      const handle = await startEmbeddedPostgres({ dataDir, port: 0 });
      expect(serverPid(dataDir)).not.toBe(other.pid);
      expect(running(other.pid!)).toBe(true);
      await handle.stop();
    } finally {
      other.kill('SIGKILL');
    }
  });
});
