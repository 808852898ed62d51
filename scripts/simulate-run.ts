/**
 * One simulation run against a gateway: sets up the actors, shows progress, stops them when the
 * time is up, then reads the books back and checks that they agree.
 */
import { setMaxListeners } from 'node:events';
import { Role, type TokenSigner } from '@distribution/auth';
import { createApi } from '../client-examples/node/src/api.js';
import { recordEvents, type EventRecorder } from '../client-examples/node/src/event-recorder.js';
import { sleep } from '../client-examples/node/src/options.js';
import { formatTable } from '../client-examples/node/src/table.js';
import { runCustomer, runManufacturer, runOperator, type ProducingManufacturer } from './simulate-actors.js';
import { readBack, type Readback } from './simulate-check.js';
import { allNodes, caller } from './simulate-client.js';
import { newStats, percentile, type SimulationStats } from './simulate-stats.js';

export interface SimulationOptions {
  gatewayUrl: string;
  /** Signs the operator's and manufacturers' tokens. */
  signer: TokenSigner;
  customers: number;
  durationMs: number;
  manufacturersProduce: boolean;
  /** The operator closes a round this long after it opened; null: the operator leaves rounds alone. */
  roundPeriodMs: number | null;
  /** No more orders than this in one run, whatever the time. */
  maxOrders?: number;
  cancelRate?: number;
  /** Ends the run early (Ctrl-C); the summary and the checks still come. */
  signal?: AbortSignal;
  /** Where progress goes: a single updating line on a TTY, a plain line every few seconds otherwise. */
  progress?: { write(text: string): void; isTTY?: boolean };
}

export interface SimulationReport {
  stats: SimulationStats;
  readback: Readback;
  ok: boolean;
  /** The summary and the checks as a person reads them. */
  text: string;
}

/** Only this machine: a load generator must never point at anything else. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!(host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(`The simulator only sends traffic to this machine (localhost, 127.x.x.x, ::1), not to ${host}`);
  }
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  assertLoopback(options.gatewayUrl);
  const stats = newStats();
  const anonymous = caller(options.gatewayUrl);
  const operator = caller(options.gatewayUrl, await options.signer({ sub: 'simulator-operator', role: Role.Operator }));
  const categories: string[] = (await anonymous('Categories')).categories;
  if (categories.length === 0) throw new Error('The catalog is empty: load sample data first (`npm run seed`), or use --self-contained');

  const stop = new AbortController();
  // Every actor waits on this one signal.
  setMaxListeners(0, stop.signal);
  const timer = setTimeout(() => stop.abort(), options.durationMs);
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const observer = createApi({ url: options.gatewayUrl });
  const feeds: Record<string, EventRecorder<unknown>> = Object.fromEntries(
    (
      [
        ['availabilityChanged', 'OnAvailabilityChanged'],
        ['stockDepleted', 'OnStockDepleted'],
        ['lowStock', 'OnLowStock'],
        ['roundChanged', 'OnRoundChanged'],
      ] as const
    ).map(([field, op]) => [field, recordEvents(observer, op)]),
  );
  let round = '';
  const progress = startProgress(options, stats, feeds, () => round);

  const produced = new Map<string, number>();
  const actors: Array<Promise<void>> = [];
  if (options.roundPeriodMs !== null) {
    actors.push(
      runOperator(operator, options.roundPeriodMs, stats, stop.signal, (r) => {
        round = `round ${r.number} ${r.status}`;
      }),
    );
  }
  if (options.manufacturersProduce) {
    const makers = await allNodes<{ id: string; products: { edges: Array<{ node: { id: string } }> } }>(anonymous, 'Manufacturers', {}, (d) => d.manufacturers);
    for (const m of makers) {
      const maker: ProducingManufacturer = {
        id: m.id,
        call: caller(options.gatewayUrl, await options.signer({ sub: m.id, role: Role.Manufacturer })),
        productIds: m.products.edges.map((e) => e.node.id),
      };
      actors.push(runManufacturer(maker, stats, stop.signal, produced));
    }
  }
  const customerOptions = {
    anonymous,
    signIn: (token: string) => caller(options.gatewayUrl, token),
    categories,
    stats,
    signal: stop.signal,
    maxOrders: options.maxOrders ?? 100_000,
    cancelRate: options.cancelRate ?? 0.1,
  };
  for (let i = 0; i < options.customers; i++) actors.push(runCustomer(i + 1, customerOptions));

  try {
    await Promise.all(actors);
  } finally {
    clearTimeout(timer);
    stop.abort();
    progress.stop();
  }
  // Let the last events reach the observer before counting them.
  await sleep(300);
  for (const [field, feed] of Object.entries(feeds)) {
    stats.events[field] = feed.refused ? null : feed.events.length;
    await feed.stop();
  }
  await observer.close();

  const readback = await readBack(operator);
  const ok = readback.checks.every((c) => c.ok);
  return { stats, readback, ok, text: summary(stats, readback, options) };
}

function startProgress(options: SimulationOptions, stats: SimulationStats, feeds: Record<string, EventRecorder<unknown>>, round: () => string) {
  const out = options.progress;
  if (!out) return { stop() {} };
  const tty = Boolean(out.isTTY);
  const line = () => {
    const seconds = ((Date.now() - stats.startedAt) / 1000).toFixed(0).padStart(3);
    const events = Object.values(feeds).reduce((n, f) => n + f.events.length, 0);
    const o = stats.orders;
    return `${seconds}s  customers ${stats.customersRegistered}  orders ${o.placed} (confirmed ${o.confirmed}, rejected ${o.rejected}, cancelled ${o.cancelled})  produced ${stats.production.units}  ${round() ? `${round()}  ` : ''}events ${events}  errors ${[...stats.errors.values()].reduce((a, b) => a + b, 0)}`;
  };
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    if (tty) out.write(`\r\x1b[2K${line()}`);
    else if (ticks % 5 === 0) out.write(`${line()}\n`);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      out.write(tty ? `\r\x1b[2K${line()}\n` : `${line()}\n`);
    },
  };
}

function summary(stats: SimulationStats, readback: Readback, options: SimulationOptions): string {
  const o = stats.orders;
  const ms = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  const parts: string[] = [];
  parts.push(
    `Simulation: ${options.customers} customers for ${Math.round(options.durationMs / 1000)} s${options.manufacturersProduce ? ', manufacturers producing' : ''}${options.roundPeriodMs !== null ? `, rounds of ${Math.round(options.roundPeriodMs / 1000)} s` : ''}`,
  );
  parts.push('');
  parts.push(
    formatTable([
      { what: 'customers registered', count: stats.customersRegistered },
      { what: 'orders placed', count: o.placed },
      { what: '  confirmed at once', count: o.confirmed },
      { what: '  pending at answer', count: o.pending },
      { what: '  rejected (not enough stock)', count: o.rejected },
      { what: '  cancelled afterwards', count: o.cancelled },
      { what: 'cancellations refused (too late)', count: o.cancelRefused },
      { what: 'checkouts with no round open', count: o.roundNotOpen },
      { what: 'cart adds short of stock', count: stats.cartShortages },
      { what: 'production runs', count: stats.production.runs },
      { what: 'units produced', count: stats.production.units },
      { what: 'rounds opened / closed by the operator', count: `${stats.rounds.opened} / ${stats.rounds.closed}` },
    ]),
  );
  parts.push('');
  parts.push(
    `placeOrder latency: p50 ${ms(percentile(stats.placeOrderLatencyMs, 50))}, p99 ${ms(percentile(stats.placeOrderLatencyMs, 99))} over ${stats.placeOrderLatencyMs.length} calls`,
  );
  parts.push('');
  parts.push('Units sold per round');
  parts.push(
    formatTable(
      readback.rounds.map((r) =>
        r.status === 'OPEN'
          ? { round: r.number, status: r.status, closed: '', 'units sold': `${readback.reservedNow} reserved so far`, revenue: '' }
          : { round: r.number, status: r.status, closed: r.closeReason ?? '', 'units sold': r.unitsSold, revenue: r.revenue },
      ),
    ),
  );
  parts.push('');
  parts.push(
    `Orders now: ${
      Object.entries(readback.ordersByStatus)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ') || 'none'
    }`,
  );
  parts.push(
    `Events seen via subscriptions: ${Object.entries(stats.events)
      .map(([f, n]) => `${f} ${n === null ? 'not served' : n}`)
      .join(', ')}`,
  );
  if (stats.errors.size > 0) {
    parts.push('');
    parts.push('Unexpected errors');
    parts.push(formatTable([...stats.errors].map(([message, count]) => ({ count, message: message.slice(0, 140) }))));
  }
  parts.push('');
  parts.push('Consistency, read back through the API');
  parts.push(formatTable(readback.checks.map((c) => ({ check: c.name, result: c.ok ? 'ok' : 'FAILED', detail: c.detail.slice(0, 160) }))));
  return parts.join('\n');
}
