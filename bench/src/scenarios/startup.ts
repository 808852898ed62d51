/**
 * Part 5, start-up: `npm start` as a developer runs it, on a fresh embedded Postgres (its own
 * EMBEDDED_PG_DIR in a temporary folder, free ports), from launch to the first answered query
 * (the bench polls the gateway), then Ctrl-C (SIGINT to the process group) and a clean exit.
 * Once with SEED=false, once with the sample data (time until the seed is loaded too), and a warm
 * restart on the seeded folder.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from '../context.js';
import { freePort } from '../network.js';
import { ROOT_DIR } from '../processes.js';
import { sleep } from '../graphql.js';

export interface StartupRun {
  label: string;
  seed: boolean;
  freshDataDir: boolean;
  /** Launch to the first query the gateway answered with data. */
  firstAnswerMs: number;
  /** What the start script says of itself (its own clock, from its module start). */
  selfReportedMs: number | null;
  /** Launch to the "Ctrl-C stops everything" line (sample data loaded when seeding). */
  readyLineMs: number | null;
  stopMs: number;
  exitCode: number | null;
  exitSignal: string | null;
  /**
   * Every process of the group exited within 30 s (SIGINT -> the last one gone is `stopMs`), it said
   * "Stopping...", npm exited as it does on Ctrl-C (130), and Postgres removed its postmaster.pid.
   */
  cleanExit: boolean;
  checks: { groupGone: boolean; saidStopping: boolean; exitedAsCtrlC: boolean; withinLimit: boolean; postgresStopped: boolean };
  /** The end of what it printed, when the exit was not clean. */
  outputTail?: string;
}

export interface StartupResult {
  command: string;
  runs: StartupRun[];
}

async function launch(ctx: BenchContext, label: string, dataDir: string, seed: boolean, fresh: boolean): Promise<StartupRun> {
  const ports = {
    GATEWAY_PORT: await freePort(),
    MANUFACTURER_PORT: await freePort(),
    INVENTORY_PORT: await freePort(),
    ORDER_PORT: await freePort(),
    ACCOUNT_PORT: await freePort(),
    EMBEDDED_PG_PORT: await freePort(),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    EMBEDDED_PG_DIR: dataDir,
    SEED: seed ? 'true' : 'false',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  delete env.NODE_ENV;
  delete env.VITEST;
  const url = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
  const started = performance.now();
  // detached: its own process group, so that SIGINT reaches npm and everything under it, as Ctrl-C does.
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT_DIR, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let readyLineMs: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
    if (readyLineMs === null && output.includes('Ctrl-C stops everything')) readyLineMs = Math.round(performance.now() - started);
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // Every process under npm that inherited its output (sh, tsx, node) has exited once both pipes close.
  const closed = (stream: NodeJS.ReadableStream) => new Promise<void>((resolve) => stream.once('close', () => resolve()));
  const allGone = Promise.all([exited, closed(child.stdout), closed(child.stderr)]);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const timeoutMs = ctx.settings.startup.timeoutSeconds * 1000;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* gone */
    }
  };
  try {
    let firstAnswerMs: number | null = null;
    while (firstAnswerMs === null) {
      if (done) throw new Error(`npm start exited before answering:\n${output.slice(-2000)}`);
      if (performance.now() - started > timeoutMs) throw new Error(`npm start did not answer within ${timeoutMs} ms:\n${output.slice(-2000)}`);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ products(first: 1) { edges { node { id } } } }' }),
          signal: AbortSignal.timeout(2000),
        });
        const body = (await res.json()) as { data?: unknown };
        if (res.ok && body.data) firstAnswerMs = Math.round(performance.now() - started);
      } catch {
        /* not up yet */
      }
      if (firstAnswerMs === null) await sleep(25);
    }
    while (readyLineMs === null && !done && performance.now() - started < timeoutMs) await sleep(25);
    const selfReported = /First query answered (\d+) ms after launch/.exec(output);
    const stopStarted = performance.now();
    killGroup('SIGINT');
    const timer = setTimeout(() => killGroup('SIGKILL'), 30_000);
    const [exit] = await allGone;
    clearTimeout(timer);
    const stopMs = Math.round(performance.now() - stopStarted);
    // Nothing of the group may outlive it (the embedded Postgres included).
    let groupGone = false;
    for (let i = 0; i < 50 && !groupGone; i++) {
      try {
        process.kill(-child.pid!, 0);
        await sleep(100);
      } catch {
        groupGone = true;
      }
    }
    // The server process may finish removing its pid file just after the launcher exits.
    const pidFile = path.join(dataDir, 'postmaster.pid');
    for (let i = 0; i < 50 && existsSync(pidFile); i++) await sleep(100);
    const checks = {
      groupGone,
      saidStopping: output.includes('Stopping...'),
      exitedAsCtrlC: exit.code === 0 || exit.code === 130 || exit.signal === 'SIGINT',
      withinLimit: stopMs < 30_000,
      postgresStopped: !existsSync(pidFile),
    };
    const cleanExit = Object.values(checks).every(Boolean);
    return {
      label,
      seed,
      freshDataDir: fresh,
      firstAnswerMs,
      selfReportedMs: selfReported ? Number(selfReported[1]) : null,
      readyLineMs,
      stopMs,
      exitCode: exit.code,
      exitSignal: exit.signal,
      cleanExit,
      checks,
      ...(cleanExit ? {} : { outputTail: output.slice(-3000) }),
    };
  } finally {
    if (!done) {
      killGroup('SIGKILL');
      await exited;
    }
  }
}

export async function runStartupPart(ctx: BenchContext): Promise<StartupResult> {
  const runs: StartupRun[] = [];
  const base = mkdtempSync(path.join(os.tmpdir(), 'bench-start-'));
  // Embedded Postgres runs as the postgres user when we are root: its folder's parents must be traversable.
  chmodSync(base, 0o755);
  ctx.commands.push(
    'npm start --silent (env: SEED, EMBEDDED_PG_DIR=<fresh temp folder>, EMBEDDED_PG_PORT/GATEWAY_PORT/MANUFACTURER_PORT/INVENTORY_PORT/ORDER_PORT=<free ports>, LOG_LEVEL=warn; DATABASE_URL unset); stopped with SIGINT to its process group',
  );
  try {
    const plans: Array<[string, string, boolean, boolean]> = [['fresh, SEED=false', path.join(base, 'unseeded', 'postgres'), false, true]];
    if (ctx.settings.startup.seeded) {
      plans.push(['fresh, with sample data', path.join(base, 'seeded', 'postgres'), true, true]);
      plans.push(['warm restart (seeded folder)', path.join(base, 'seeded', 'postgres'), true, false]);
    }
    for (const [label, dir, seed, fresh] of plans) {
      const r = await launch(ctx, label, dir, seed, fresh);
      runs.push(r);
      ctx.log(
        `start-up ${label}: first answer ${r.firstAnswerMs} ms, ready line ${r.readyLineMs} ms, stop ${r.stopMs} ms, exit ${r.exitCode ?? r.exitSignal}${r.cleanExit ? ' (clean)' : ` NOT CLEAN ${JSON.stringify(r.checks)}\n${r.outputTail}`}`,
      );
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return { command: 'npm start', runs };
}
