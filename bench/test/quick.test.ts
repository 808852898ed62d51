/**
 * Smoke check of the bench: `npm run bench -- --quick` runs every part end to end and writes a
 * well-formed result file whose figures are all positive numbers. No speed is asserted here:
 * speed is measured (and compared side by side) by `npm run bench`, never in timed tests.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../src/report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const positive = (label: string, value: unknown) => {
  expect(typeof value, `${label} is a number`).toBe('number');
  expect(Number.isFinite(value as number) && (value as number) > 0, `${label} = ${value} is positive`).toBe(true);
};

/**
 * How long the quick bench may take: generous, because it shares the machine with the rest of the
 * suite; BENCH_QUICK_TIMEOUT_MS raises it on a slower or busier machine (it is never skipped).
 */
const DEADLINE_MS = Number(process.env.BENCH_QUICK_TIMEOUT_MS ?? 400_000);

describe('bench --quick', () => {
  it(
    'runs every part and records positive figures',
    async () => {
      const env = { ...process.env };
      // The bench owns its Postgres and its processes' settings, whatever this test run uses.
      for (const name of ['NODE_ENV', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'DATABASE_URL', 'TEST_DATABASE_URL']) delete env[name];
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/src/run.ts', '--quick'], {
        cwd: root,
        env,
        timeout: DEADLINE_MS,
        maxBuffer: 16 * 2 ** 20,
      }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`bench --quick failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      });
      const file = /result: (\S+\.json)/.exec(stdout)?.[1];
      expect(file, stdout).toBeTruthy();
      expect(file).toContain(path.join('bench', 'results', 'quick'));
      const result = JSON.parse(readFileSync(path.resolve(root, file!), 'utf8')) as BenchResult;

      expect(result.kind).toBe('distribution-network-bench');
      expect(result.mode).toBe('quick');
      positive('machine.cores', result.machine.cores);
      positive('machine.memoryGiB', result.machine.memoryGiB);
      expect(result.machine.node).toMatch(/^v\d+/);
      expect(result.machine.postgres).toMatch(/PostgreSQL \d+/);
      expect(result.commands.length).toBeGreaterThan(0);
      for (const [name, part] of Object.entries(result.parts)) expect(part?.ok, `${name}: ${part && !part.ok ? part.error : ''}`).toBe(true);

      const g = result.parts.gateway!.ok ? result.parts.gateway!.result : null;
      for (const [label, q] of [
        ['deep', g!.deep],
        ['one-subgraph', g!.flat],
      ] as const) {
        expect(Object.keys(q.targets)).toEqual(expect.arrayContaining(['ours', 'hive-router']));
        for (const [name, t] of Object.entries(q.targets)) {
          for (const figure of ['rps', 'p50', 'p99'] as const) positive(`${label} ${name} ${figure}`, t[figure].median);
        }
        for (const [name, v] of Object.entries(q.ratios)) positive(`${label} ratio ${name}`, v);
      }
      expect(g!.flat.targets.direct).toBeDefined();

      const r = result.parts.reservations!.ok ? result.parts.reservations!.result : null;
      expect(r!.runs.length).toBeGreaterThan(0);
      for (const run of r!.runs) {
        const label = `${run.system} ${run.shape} c${run.concurrency}`;
        positive(`${label} orders/s`, run.ordersPerSecond);
        positive(`${label} reservation rows`, run.reservationRows);
        positive(`${label} reserved units`, run.reservedUnits);
        expect(run.oversell.ok, `${label} oversell check`).toBe(true);
      }
      for (const [key, f] of Object.entries(r!.figures)) positive(`reservations ratio ${key}`, f.ratio);

      const live = result.parts.live!.ok ? result.parts.live!.result : null;
      // The gateway serves availabilityChanged: a live part that found it missing is a failure, not a skip.
      expect(live!.available, live!.available ? '' : live!.reason).toBe(true);
      if (live!.available) {
        for (const run of live!.runs) {
          positive(`live ${run.subscribers} p50`, run.latencyMs.p50);
          positive(`live ${run.subscribers} p99`, run.latencyMs.p99);
          positive(`live ${run.subscribers} deliveries`, run.deliveriesReceived);
          positive(`live ${run.subscribers} heap per subscriber`, run.memory.heapBytesPerSubscriber);
        }
      }

      const n = result.parts.nPlusOne!.ok ? result.parts.nPlusOne!.result : null;
      for (const [name, q] of Object.entries(n!.queries)) {
        for (const [size, s] of Object.entries(q.bySize)) {
          positive(`${name} page ${size} items`, s.items);
          for (const v of s.statements) positive(`${name} page ${size} statements`, v);
        }
      }

      const st = result.parts.startup!.ok ? result.parts.startup!.result : null;
      expect(st!.runs.length).toBeGreaterThan(0);
      for (const run of st!.runs) {
        positive(`start-up ${run.label} first answer`, run.firstAnswerMs);
        positive(`start-up ${run.label} stop`, run.stopMs);
      }
      expect(result.targets.length).toBeGreaterThan(0);
    },
    DEADLINE_MS + 10_000,
  );
});
