/**
 * `npm run bench` (full, the record: < 20 min on 2 cores) and `npm run bench -- --quick` (< 1 min,
 * the smoke check). Options: `--only=gateway,reservations,live,nplus1,startup` runs a subset;
 * `--out=<dir>` writes the result file elsewhere; `--tracing` runs our gateway and the subgraphs with
 * tracing on (OTLP/HTTP to a sink that discards it: otlp-sink.ts). Every part is bounded in time and count,
 * loopback only; the whole run stops itself at its deadline.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@distribution/db';
import { FULL, QUICK } from './settings.js';
import { describeMachine } from './machine.js';
import { startBenchNetwork, SUPERGRAPH_PATH, type BenchNetwork } from './network.js';
import { BENCH_DIR } from './processes.js';
import type { BenchContext } from './context.js';
import { runGatewayPart } from './scenarios/gateway.js';
import { runReservationsPart } from './scenarios/reservations.js';
import { runLivePart } from './scenarios/live.js';
import { runNPlusOnePart } from './scenarios/n-plus-one.js';
import { runStartupPart } from './scenarios/startup.js';
import { evaluateTargets, renderTables, rewriteReadme, type BenchResult, type PartOutcome } from './report.js';
import type { GatewayKind } from './hosts/gateway.js';

// Loopback only: @apollo/gateway would otherwise export usage telemetry and probe cloud metadata
// endpoints. Every process of the run (the gateways, `npm start`) inherits this.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

const PARTS = ['nplus1', 'gateway', 'reservations', 'live', 'startup'] as const;
type Part = (typeof PARTS)[number];

const args = process.argv.slice(2);
// `--render=<result file>`: rewrite the README tables from a recorded full run, measuring nothing.
const render = args.find((a) => a.startsWith('--render='))?.slice(9);
if (render) {
  const recorded = JSON.parse(readFileSync(render, 'utf8')) as BenchResult;
  if (recorded.mode !== 'full') throw new Error(`${render} is a ${recorded.mode} run; the README keeps full runs`);
  rewriteReadme(renderTables(recorded, path.relative(BENCH_DIR, path.resolve(render))));
  process.stdout.write(`bench/README.md tables rewritten from ${render}\n`);
  process.exit(0);
}
const quick = args.includes('--quick');
const only = new Set(
  (args
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? PARTS) as Part[],
);
for (const p of only) if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts: ${PARTS.join(', ')}`);
const settings = quick ? QUICK : FULL;
const deadlineMs = (quick ? 150 : 19 * 60) * 1000;
const started = new Date();
const stamp = started.toISOString().replace(/[:.]/g, '-');
const outDir = args.find((a) => a.startsWith('--out='))?.slice(6) ?? path.join(BENCH_DIR, 'results', quick ? 'quick' : '');
const tmpDir = path.join(BENCH_DIR, 'results', 'tmp', stamp);
mkdirSync(tmpDir, { recursive: true });
// Embedded Postgres runs as the postgres user when we are root: the folders must be traversable.
for (const dir of [path.join(BENCH_DIR, 'results'), path.join(BENCH_DIR, 'results', 'tmp'), tmpDir]) chmodSync(dir, 0o755);
mkdirSync(outDir, { recursive: true });
// The supergraph as it is now, for the whole run: it may be recomposed while the bench runs.
const supergraphPath = path.join(tmpDir, 'supergraph.graphql');
copyFileSync(SUPERGRAPH_PATH, supergraphPath);
const supergraphSha256 = createHash('sha256').update(readFileSync(supergraphPath)).digest('hex');

const t0 = performance.now();
const log = (message: string) => process.stdout.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

// The run stops itself: past the deadline everything is torn down (children exit with their parent).
const watchdog = setTimeout(() => {
  log(`deadline of ${deadlineMs / 1000} s passed: stopping`);
  process.exit(3);
}, deadlineMs);
watchdog.unref();

// `--tracing`: our gateway and the subgraph host (never the other gateways) trace every request and
// export every span over OTLP/HTTP to a sink in a process of its own, which discards them.
if (args.includes('--tracing')) {
  const sink = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'src', 'otlp-sink.ts'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => sink.kill());
  const url = await new Promise<string>((resolve, reject) => {
    sink.once('exit', (code) => reject(new Error(`the OTLP sink exited (${code})`)));
    sink.stdout.once('data', (chunk: Buffer) => resolve(/http:\/\/\S+/.exec(chunk.toString())![0]));
  });
  Object.assign(process.env, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: url });
  log(`tracing on: spans go to the OTLP sink at ${url}`);
}
log(`${quick ? 'quick' : 'full'} run: ${[...only].join(', ')}; scratch ${path.relative(process.cwd(), tmpDir)}`);
const postgres = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, 'postgres'), port: 0, persistent: false });
let network: BenchNetwork | null = null;
const parts: BenchResult['parts'] = {};
const commands: string[] = [`npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`];
const eventPollIntervalMs = Number(process.env.BENCH_EVENT_POLL_MS ?? settings.eventPollIntervalMs);
let exitCode = 0;
let networkInfo: BenchResult['network'] = { startedInMs: 0, fixture: {} };

async function part<T>(name: Part, work: () => Promise<T>): Promise<PartOutcome<T> | undefined> {
  if (!only.has(name)) return undefined;
  const start = performance.now();
  log(`--- ${name}`);
  try {
    const result = await work();
    return { ok: true, seconds: Math.round((performance.now() - start) / 100) / 10, result };
  } catch (error) {
    exitCode = 1;
    log(`${name} FAILED: ${(error as Error)?.stack ?? error}`);
    return { ok: false, seconds: Math.round((performance.now() - start) / 100) / 10, error: String((error as Error)?.message ?? error) };
  }
}

let machine: BenchResult['machine'];
try {
  machine = await describeMachine(postgres.url);
  log(`machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.postgres.split(' on ')[0]}, load ${machine.loadAverageAtStart.join(' ')}`);
  // Quick mode overlaps the start-up part with the others (its figures are a smoke check, not a
  // measurement); the full run gives it the machine alone, at the end.
  const startupEarly =
    quick && only.has('startup')
      ? part('startup', () => runStartupPart({ settings, serverUrl: postgres.url, network: null as unknown as BenchNetwork, tmpDir, supergraphPath, log, commands }))
      : null;
  const needsNetwork = ['nplus1', 'gateway', 'reservations', 'live'].some((p) => only.has(p as Part));
  if (needsNetwork) {
    const others: GatewayKind[] = only.has('gateway') ? settings.gateway.compareWith : [];
    network = await startBenchNetwork(postgres.url, { supergraphPath, logDir: tmpDir, eventPollIntervalMs, fixture: settings.fixture, others, log });
    const f = network.fixture;
    networkInfo = {
      startedInMs: network.startedInMs,
      fixture: {
        manufacturers: f.manufacturerIds.length,
        spreadProducts: f.spreadProductIds.length,
        hotAndLiveProducts: 2,
        customers: f.customers.length,
        orders: f.ordersPlaced,
        roundNumber: f.roundNumber,
        eventPollIntervalMs,
      },
    };
  }
  const ctx: BenchContext = { settings, serverUrl: postgres.url, network: network!, tmpDir, supergraphPath, log, commands };
  // Read-only parts first (the fixture as loaded), then the parts that write.
  parts.nPlusOne = await part('nplus1', () => runNPlusOnePart(ctx));
  parts.gateway = await part('gateway', () => runGatewayPart(ctx));
  await network?.stopOthers();
  parts.reservations = await part('reservations', () => runReservationsPart(ctx));
  parts.live = await part('live', () => runLivePart(ctx));
  await network?.stop();
  network = null;
  // Start-up last, alone: it runs a whole network of its own.
  parts.startup = startupEarly ? await startupEarly : await part('startup', () => runStartupPart(ctx));
} finally {
  await network?.stop().catch(() => {});
  await postgres.stop().catch(() => {});
}

const finished = new Date();
const result: BenchResult = {
  kind: 'distribution-network-bench',
  version: 1,
  mode: settings.mode,
  startedAt: started.toISOString(),
  finishedAt: finished.toISOString(),
  durationSeconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
  command: commands[0]!,
  machine: machine!,
  loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  settings,
  commands,
  network: networkInfo,
  supergraph: { path: path.relative(path.dirname(BENCH_DIR), SUPERGRAPH_PATH), sha256: supergraphSha256 },
  parts,
  targets: evaluateTargets(parts),
};
const file = path.join(outDir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
log(`result: ${path.relative(process.cwd(), file)}`);
// The README keeps the record: only complete full runs rewrite it.
if (!quick && only.size === PARTS.length && !args.some((a) => a.startsWith('--out='))) {
  rewriteReadme(renderTables(result, path.relative(BENCH_DIR, file)));
  log('bench/README.md table rewritten');
}
for (const t of result.targets) log(`target: ${t.met === null ? 'n/a' : t.met ? 'MET    ' : 'NOT MET'} ${t.target}: ${t.figure}`);
if (exitCode === 0) rmSync(tmpDir, { recursive: true, force: true });
else log(`logs of the child processes kept in ${path.relative(process.cwd(), tmpDir)}`);
clearTimeout(watchdog);
process.exit(exitCode);
