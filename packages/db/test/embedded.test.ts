import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const running = (pid: number) => { const info = processInfo(pid); return info !== null && info.state !== 'Z'; };
const serverPid = (dataDir: string) => Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

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
    owner.stdout.on('data', (chunk: Buffer) => { output += chunk; if (output.includes('ready')) resolve(); });
    owner.stderr.on('data', (chunk: Buffer) => { output += chunk; });
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
});
