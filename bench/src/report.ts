/** The result file and the table in bench/README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Machine } from './machine.js';
import type { BenchSettings } from './settings.js';
import type { GatewayPartResult, QueryResult } from './scenarios/gateway.js';
import type { ReservationsResult } from './scenarios/reservations.js';
import type { LiveResult } from './scenarios/live.js';
import type { NPlusOneResult } from './scenarios/n-plus-one.js';
import type { StartupResult } from './scenarios/startup.js';
import { spread, type Spread } from './stats.js';
import { BENCH_DIR } from './processes.js';

export type PartOutcome<T> = { ok: true; seconds: number; result: T } | { ok: false; seconds: number; error: string };

export interface BenchResult {
  kind: 'distribution-network-bench';
  version: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  command: string;
  machine: Machine;
  loadAverageAtEnd: number[];
  settings: BenchSettings;
  commands: string[];
  network: { startedInMs: number; fixture: Record<string, unknown> };
  supergraph: { path: string; sha256: string };
  parts: {
    nPlusOne?: PartOutcome<NPlusOneResult>;
    gateway?: PartOutcome<GatewayPartResult>;
    reservations?: PartOutcome<ReservationsResult>;
    live?: PartOutcome<LiveResult>;
    startup?: PartOutcome<StartupResult>;
  };
  targets: Array<{ target: string; figure: string; met: boolean | null }>;
}

const fmt = (n: number | undefined, d = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const range = (s: Spread | undefined, d = 0) => (s ? (s.runs.length > 1 ? `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})` : fmt(s.median, d)) : '–');

export function evaluateTargets(parts: BenchResult['parts']): BenchResult['targets'] {
  const targets: BenchResult['targets'] = [];
  const g = parts.gateway?.ok ? parts.gateway.result : undefined;
  const ratioTarget = (q: QueryResult | undefined, key: string, min: number, label: string) => {
    const v = q?.ratios[key];
    targets.push({ target: label, figure: v === undefined ? 'not measured' : `${fmt(v, 2)}x`, met: v === undefined ? null : v >= min });
  };
  ratioTarget(g?.deep, 'ours/hive-router', 1, 'gateway, deep query: ours >= Hive Gateway fastest mode (router runtime)');
  ratioTarget(g?.flat, 'ours/hive-router', 1, 'gateway, one-subgraph query: ours >= Hive Gateway fastest mode');
  ratioTarget(g?.flat, 'ours/direct', 0.5, 'gateway, one-subgraph query: ours >= 50% of the subgraph queried directly');
  const r = parts.reservations?.ok ? parts.reservations.result : undefined;
  const res = (key: string, min: number, label: string) => {
    const f = r?.figures[key];
    targets.push({
      target: label,
      figure: f ? `${fmt(f.ratio, 2)}x (${fmt(f.placeOrder.median)} vs ${fmt(f.pgbench.median)} orders/s)` : 'not measured',
      met: f ? f.ratio >= min : null,
    });
  };
  res('spread c50', 0.5, 'reservations, spread products, concurrency 50: placeOrder >= 50% of pgbench');
  res('hot c50', 2, 'reservations, one hot product, concurrency 50: placeOrder >= 2x pgbench');
  targets.push({
    target: 'reservations: zero oversell after every run',
    figure: r ? (r.allChecksPassed ? `${r.runs.length} runs checked, all clean` : 'FAILED') : 'not measured',
    met: r ? r.allChecksPassed : null,
  });
  const l = parts.live?.ok ? parts.live.result : undefined;
  if (l?.available) {
    const at5000 = l.runs.find((x) => x.subscribers === 5000);
    targets.push({
      target: 'live: commit-to-client p99 <= 250 ms at 5,000 subscribers',
      figure: at5000 ? `${fmt(at5000.latencyMs.p99, 1)} ms` : 'not measured at 5,000',
      met: at5000 ? at5000.latencyMs.p99 <= 250 : null,
    });
  } else {
    targets.push({ target: 'live: commit-to-client p99 <= 250 ms at 5,000 subscribers', figure: l ? l.reason : 'not measured', met: null });
  }
  const n = parts.nPlusOne?.ok ? parts.nPlusOne.result : undefined;
  targets.push({
    target: 'N+1 guard: statements per request equal at page sizes 10 and 100',
    figure: n ? (n.allEqual ? 'equal for every list query' : 'NOT equal') : 'not measured',
    met: n ? n.allEqual : null,
  });
  return targets;
}

export function renderTables(result: BenchResult, resultFile: string): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(`Run of ${result.startedAt} (${result.mode}, ${Math.round(result.durationSeconds)} s): \`${result.command}\`, result file [\`${resultFile}\`](${resultFile}).`);
  out.push(
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.postgres.split(',')[0]}, ${m.pgbench}; load average ${m.loadAverageAtStart.join(' / ')} at start, ${result.loadAverageAtEnd.join(' / ')} at the end.`,
  );
  out.push('');
  out.push('### Targets');
  out.push('');
  out.push('| target | figure | met |');
  out.push('|---|---|---|');
  for (const t of result.targets) out.push(`| ${t.target} | ${t.figure} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);

  const g = result.parts.gateway;
  out.push('');
  out.push('### 1. Gateway (autocannon)');
  out.push('');
  if (g?.ok) {
    const s = g.result.settings;
    out.push(
      `${s.connections} connections, ${s.durationSeconds} s per run after ${s.warmupSeconds} s of warm-up, ${s.repeats} run(s) per target (rounds visit every target in rotated order). Median (min–max). Every connection is a different signed-in caller, except \`ours-identical\` (one caller on every connection: identical in-flight subgraph reads can be shared). CPU = CPU time per served request of the gateway process / of the subgraphs' process; SQL = statements the subgraphs ran per served request.`,
    );
    out.push('');
    out.push('| query | target | req/s | p50 ms | p99 ms | gateway CPU ms/req | subgraphs CPU ms/req | SQL statements/req |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const [label, q] of [
      ['deep (orders → lines → product → manufacturer, stock)', g.result.deep],
      ['one subgraph (products)', g.result.flat],
    ] as const) {
      for (const t of Object.values(q.targets)) {
        out.push(
          `| ${label} | ${t.target} | ${range(t.rps)} | ${range(t.p50)} | ${range(t.p99)} | ${t.target === 'direct' ? '–' : range(t.gatewayCpuMsPerRequest, 2)} | ${range(t.subgraphsCpuMsPerRequest, 2)} | ${range(t.sqlStatementsPerRequest, 2)} |`,
        );
      }
      out.push(
        `| ${label} | **ratios** (medians) | ${Object.entries(q.ratios)
          .map(([k, v]) => `${k} ${fmt(v, 2)}x`)
          .join(', ')} | | | | | |`,
      );
    }
    const failed = Object.entries(g.result.gateways).filter(([, v]) => 'error' in v);
    for (const [k, v] of failed) out.push(`\n${k} could not run: ${(v as { error: string }).error}`);
  } else out.push(g ? `failed: ${g.error}` : 'not run');

  const r = result.parts.reservations;
  out.push('');
  out.push('### 2. Reservations (orders per second, counted by reservation rows written)');
  out.push('');
  if (r?.ok) {
    out.push(
      `${r.result.settings.durationSeconds} s per run, ${r.result.settings.repeats} run(s) each. Spread: 2 lines on 2 of ${r.result.settings.spreadProducts} products; hot: 1 line on one product. Median (min–max).`,
    );
    out.push('');
    out.push(
      '| shape | concurrency | pgbench (one transaction per order) | placeOrder through the gateway | ratio | placeOrder p50/p99 ms | placeOrder CPU ms/order: subgraphs, gateway | placeOrder SQL statements/order | oversell checks |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const [key, f] of Object.entries(r.result.figures)) {
      const [shape, c] = key.split(' ');
      const runs = r.result.runs.filter((x) => `${x.shape} c${x.concurrency}` === key);
      const po = runs.filter((x) => x.system === 'placeOrder');
      const med = (values: number[]) => spread(values).median;
      const lat = po.map((x) => x.latencyMs as { p50: number; p99: number });
      const sql = po.filter((x) => x.sqlStatementsPerOrder).map((x) => Object.values(x.sqlStatementsPerOrder!).reduce((a, b) => a + b, 0));
      out.push(
        `| ${shape} | ${c!.slice(1)} | ${range(f.pgbench)} | ${range(f.placeOrder)} | ${fmt(f.ratio, 2)}x | ${fmt(med(lat.map((l) => l.p50)))} / ${fmt(med(lat.map((l) => l.p99)))} | ${fmt(med(po.map((x) => x.cpuMsPerOrder!.subgraphs)), 1)}, ${fmt(med(po.map((x) => x.cpuMsPerOrder!.gateway)), 1)} | ${sql.length ? fmt(med(sql)) : '–'} | ${runs.every((x) => x.oversell.ok) ? `${runs.length}/${runs.length} clean` : '**FAILED**'} |`,
      );
    }
  } else out.push(r ? `failed: ${r.error}` : 'not run');

  const l = result.parts.live;
  out.push('');
  out.push('### 3. Live updates (graphql-ws, availabilityChanged)');
  out.push('');
  if (l?.ok && l.result.available) {
    out.push(`A driver places ${l.result.settings.ordersPerSecond} orders/s for ${l.result.settings.durationSeconds} s.`);
    out.push('');
    out.push(
      '| subscribers | commit-to-client p50 ms | p99 ms | mutation response to event p50 ms | deliveries | gateway CPU per delivery | clients CPU per delivery | RSS per subscriber | heap per subscriber |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const x of l.result.runs)
      out.push(
        `| ${fmt(x.subscribers)} | ${fmt(x.latencyMs.p50, 1)} | ${fmt(x.latencyMs.p99, 1)} | ${fmt(x.responseToEventMs.p50, 1)} | ${fmt(x.deliveriesReceived)}/${fmt(x.deliveriesExpected)} | ${fmt(x.gatewayCpuMsPerDelivery * 1000, 1)} µs | ${fmt(x.clientsCpuMsPerDelivery * 1000, 1)} µs | ${fmt(x.memory.rssBytesPerSubscriber / 1024, 1)} KiB | ${fmt(x.memory.heapBytesPerSubscriber / 1024, 1)} KiB |`,
      );
    out.push('');
    out.push(
      `Commit time: ${l.result.runs[0]?.commitTimeSource ?? '–'}. A negative "mutation response to event" means the subscribers heard of the change before the buyer's mutation returned.`,
    );
  } else out.push(l?.ok ? (l.result as { reason: string }).reason : l ? `failed: ${l.error}` : 'not run');

  const n = result.parts.nPlusOne;
  out.push('');
  out.push('### 4. N+1 guard (SQL statements per request, all services)');
  out.push('');
  if (n?.ok) {
    out.push(`| list query | ${n.result.pageSizes.map((p) => `page ${p}`).join(' | ')} | equal |`);
    out.push(`|---|${n.result.pageSizes.map(() => '---|').join('')}---|`);
    for (const [name, q] of Object.entries(n.result.queries)) {
      out.push(
        `| ${name} | ${n.result.pageSizes
          .map((p) => {
            const s = q.bySize[String(p)]!;
            return `${s.statements[0]} (${s.items} items; ${Object.entries(s.perService)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`;
          })
          .join(' | ')} | ${q.equal ? 'yes' : '**no**'} |`,
      );
    }
  } else out.push(n ? `failed: ${n.error}` : 'not run');

  const st = result.parts.startup;
  out.push('');
  out.push('### 5. Start-up (`npm start`, embedded Postgres)');
  out.push('');
  if (st?.ok) {
    out.push("| run | launch → first answered query | of which after the start script's imports (its own figure) | launch → ready line | SIGINT → all processes gone | exit |");
    out.push('|---|---|---|---|---|---|');
    for (const x of st.result.runs)
      out.push(
        `| ${x.label} | ${fmt(x.firstAnswerMs)} ms | ${x.selfReportedMs === null ? '–' : `${fmt(x.selfReportedMs)} ms`} | ${x.readyLineMs === null ? '–' : `${fmt(x.readyLineMs)} ms`} | ${fmt(x.stopMs)} ms | ${x.exitCode ?? x.exitSignal}${x.cleanExit ? ' (clean)' : ' (**not clean**)'} |`,
      );
  } else out.push(st ? `failed: ${st.error}` : 'not run');
  return out.join('\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

export function rewriteReadme(tables: string, readmePath = path.join(BENCH_DIR, 'README.md')): void {
  const text = readFileSync(readmePath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${readmePath} lacks the ${START} / ${END} markers`);
  writeFileSync(readmePath, `${text.slice(0, a + START.length)}\n${tables}\n${text.slice(b)}`);
}
