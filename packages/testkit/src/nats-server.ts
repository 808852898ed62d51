/**
 * A real nats-server with JetStream for a test: its own free port and a temporary store, so that a
 * test can stop and restart it (the store survives a restart, as a broker's disk does). Tests that
 * need no restart may use the shared server on 4222 instead (`sharedNatsUrl`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@distribution/db';

export interface TestNatsServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM: a clean shutdown), waiting until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store, waiting until it accepts connections. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  dispose(): Promise<void>;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`nats-server: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether `nats-server` is installed (Debian: `apt-get install nats-server`); a machine without it skips the JetStream tests. */
export const natsServerInstalled = (): boolean => spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Starts `nats-server -js` on a free port with a temporary store. */
export async function startNatsServer(): Promise<TestNatsServer> {
  const port = await freePort();
  const store = await mkdtemp(path.join(tmpdir(), 'nats-test-'));
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    if (child) return;
    const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
    proc.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
    let exited = false;
    proc.once('exit', () => (exited = true));
    child = proc;
    await waitUntil(async () => {
      if (exited) throw new Error(`nats-server exited at start: ${output}`);
      // Ready once the JetStream store is up, after which the client port accepts connections.
      return /Server is ready/.test(output) && (await canConnect(port));
    }, 'not ready');
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    output = '';
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      await rm(store, { recursive: true, force: true });
    },
  };
}

/** The shared server of the machine (nats://127.0.0.1:4222) when it answers, else null. */
export async function sharedNatsUrl(): Promise<string | null> {
  return (await canConnect(4222)) ? 'nats://127.0.0.1:4222' : null;
}
