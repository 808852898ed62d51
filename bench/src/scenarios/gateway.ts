/**
 * Part 1, gateway throughput: autocannon against a deep federated query and a one-subgraph query,
 * through our gateway, a plain Apollo Gateway, Hive Gateway (default and router runtime), and the
 * subgraph itself for the one-subgraph query. Every target is warmed up, then measured in rounds
 * (each round visits every target, in a rotated order) so that drift of a shared machine spreads
 * over all of them instead of landing on one.
 */
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { identityToHeaders, Role } from '@distribution/auth';
import { benchToken } from '../signing.js';
import type { BenchContext } from '../context.js';
import { gql, bearer } from '../graphql.js';
import { spread, ratio, round, type Spread } from '../stats.js';
import type { GatewayHost } from '../network.js';

export const DEEP_QUERY = `query Deep($first: Int!) {
  orders(first: $first) {
    edges { node { id status total lines { quantity unitPrice product { id name unitPrice manufacturer { id name } stock { available status } } } } }
  }
}`;

export const FLAT_QUERY = `query Flat($first: Int!) {
  products(first: $first) { edges { node { id name sku unitPrice } } }
}`;

interface Target {
  name: string;
  url: string;
  /** Headers of connection i (each connection may be a different caller). */
  headers: (connection: number) => Record<string, string>;
  /** Process to read CPU time from (the gateway, or the subgraph host for `direct`). */
  process: { request<T>(type: string): Promise<T> };
}

export interface RunFigures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  mismatches: number;
  gatewayCpuMsPerRequest: number;
  subgraphsCpuMsPerRequest: number;
  /** SQL statements the subgraphs ran per served request (fewer than the direct query's: fetches were shared). */
  sqlStatementsPerRequest: number;
}

export interface TargetResult {
  target: string;
  url: string;
  runs: RunFigures[];
  rps: Spread;
  p50: Spread;
  p99: Spread;
  gatewayCpuMsPerRequest: Spread;
  subgraphsCpuMsPerRequest: Spread;
  sqlStatementsPerRequest: Spread;
  warmup: { rps: number; errors: number };
}

export interface QueryResult {
  query: string;
  variables: Record<string, unknown>;
  /** Every target answered the same data as our gateway before the load (or what it answered). */
  check: Record<string, string>;
  targets: Record<string, TargetResult>;
  ratios: Record<string, number>;
}

export interface GatewayPartResult {
  layout: string;
  tool: string;
  settings: BenchContext['settings']['gateway'];
  gateways: Record<string, { version: string; pid: number } | { error: string }>;
  deep: QueryResult;
  flat: QueryResult;
}

const cpuMs = (u: { user: number; system: number }) => (u.user + u.system) / 1000;

async function measure(target: Target, body: string, seconds: number, connections: number, subgraphs: BenchContext['network']['subgraphs']): Promise<RunFigures> {
  const statements = async () => Object.values(await subgraphs.request<Record<string, number>>('statements')).reduce((a, b) => a + b, 0);
  const [gwBefore, sgBefore, sqlBefore] = await Promise.all([target.process.request<NodeJS.CpuUsage>('cpu'), subgraphs.request<NodeJS.CpuUsage>('cpu'), statements()]);
  let connection = 0;
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers(0) },
    setupClient: (client: { setHeaders(h: Record<string, string>): void }) => {
      client.setHeaders({ 'content-type': 'application/json', ...target.headers(connection++) });
    },
    body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    // A 200 that carries GraphQL errors is not a served request.
    verifyBody: (text: string) => text.startsWith('{"data"') && !text.includes('"errors"'),
  } as autocannon.Options);
  const [gwAfter, sgAfter, sqlAfter] = await Promise.all([target.process.request<NodeJS.CpuUsage>('cpu'), subgraphs.request<NodeJS.CpuUsage>('cpu'), statements()]);
  const served = Math.max(1, result['2xx'] - (result as unknown as { mismatches: number }).mismatches);
  const gatewayCpu = target.name === 'direct' ? 0 : cpuMs(gwAfter) - cpuMs(gwBefore);
  return {
    rps: round(served / result.duration, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mismatches: (result as unknown as { mismatches: number }).mismatches,
    gatewayCpuMsPerRequest: round(gatewayCpu / served, 3),
    subgraphsCpuMsPerRequest: round((cpuMs(sgAfter) - cpuMs(sgBefore)) / served, 3),
    sqlStatementsPerRequest: round((sqlAfter - sqlBefore) / served, 2),
  };
}

async function benchQuery(ctx: BenchContext, label: string, query: string, targets: Target[]): Promise<QueryResult> {
  const s = ctx.settings.gateway;
  const variables = { first: s.pageSize };
  const body = JSON.stringify({ query, variables });
  // Same answer everywhere, checked once before the load.
  const reference = await gql(targets[0]!.url, query, variables, targets[0]!.headers(0));
  if (reference.errors || !reference.data) throw new Error(`${label}: our gateway answered ${JSON.stringify(reference.errors)}`);
  const check: Record<string, string> = {};
  const usable: Target[] = [];
  for (const t of targets) {
    const r = await gql(t.url, query, variables, t.headers(1));
    check[t.name] = r.errors
      ? `errors: ${JSON.stringify(r.errors).slice(0, 300)}`
      : t === targets[0]
        ? 'reference'
        : isDeepStrictEqual(r.data, reference.data)
          ? 'same data as ours'
          : 'DIFFERENT data';
    if (!r.errors && r.data) usable.push(t);
  }
  ctx.log(
    `gateway/${label}: ${Object.entries(check)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
  );

  const warmup: Record<string, { rps: number; errors: number }> = {};
  for (const t of usable) {
    const w = await measure(t, body, s.warmupSeconds, s.connections, ctx.network.subgraphs);
    warmup[t.name] = { rps: w.rps, errors: w.errors + w.non2xx + w.mismatches };
  }
  const runs = new Map<string, RunFigures[]>(usable.map((t) => [t.name, []]));
  for (let rep = 0; rep < s.repeats; rep++) {
    const order = usable.map((_, i) => usable[(i + rep) % usable.length]!);
    for (const t of order) {
      const figures = await measure(t, body, s.durationSeconds, s.connections, ctx.network.subgraphs);
      runs.get(t.name)!.push(figures);
      ctx.log(
        `gateway/${label} run ${rep + 1}/${s.repeats} ${t.name}: ${figures.rps} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, CPU/req gateway ${figures.gatewayCpuMsPerRequest} ms subgraphs ${figures.subgraphsCpuMsPerRequest} ms, ${figures.sqlStatementsPerRequest} SQL/req${figures.errors + figures.non2xx + figures.mismatches ? `, ${figures.errors} errors ${figures.non2xx} non-2xx ${figures.mismatches} bad bodies` : ''} (load ${os.loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
  const results: Record<string, TargetResult> = {};
  for (const t of usable) {
    const r = runs.get(t.name)!;
    results[t.name] = {
      target: t.name,
      url: t.url,
      runs: r,
      rps: spread(r.map((x) => x.rps)),
      p50: spread(r.map((x) => x.p50)),
      p99: spread(r.map((x) => x.p99)),
      gatewayCpuMsPerRequest: spread(r.map((x) => x.gatewayCpuMsPerRequest)),
      subgraphsCpuMsPerRequest: spread(r.map((x) => x.subgraphsCpuMsPerRequest)),
      sqlStatementsPerRequest: spread(r.map((x) => x.sqlStatementsPerRequest)),
      warmup: warmup[t.name]!,
    };
  }
  const ratios: Record<string, number> = {};
  const ours = results.ours?.rps.median;
  if (ours) {
    for (const [other, key] of [
      ['apollo', 'ours/apollo'],
      ['hive-router', 'ours/hive-router'],
      ['hive', 'ours/hive'],
      ['direct', 'ours/direct'],
    ] as const) {
      if (results[other]) ratios[key] = ratio(ours, results[other]!.rps.median);
    }
    if (results.apollo && results['hive-router']) ratios['hive-router/apollo'] = ratio(results['hive-router'].rps.median, results.apollo.rps.median);
    // What sharing identical in-flight reads adds (not a target figure: real callers differ).
    const identical = results['ours-identical']?.rps.median;
    if (identical && results.direct) ratios['ours-identical/direct'] = ratio(identical, results.direct.rps.median);
    if (identical && results['hive-router']) ratios['ours-identical/hive-router'] = ratio(identical, results['hive-router'].rps.median);
  }
  return { query, variables, check, targets: results, ratios };
}

export async function runGatewayPart(ctx: BenchContext): Promise<GatewayPartResult> {
  const { network } = ctx;
  const gateways: Array<{ name: string; host: GatewayHost }> = [{ name: 'ours', host: network.ours }];
  const status: GatewayPartResult['gateways'] = { ours: { version: network.ours.info.version, pid: network.ours.pid } };
  for (const other of network.others) {
    if ('stop' in other) {
      gateways.push({ name: other.info.kind, host: other });
      status[other.info.kind] = { version: other.info.version, pid: other.pid };
    } else {
      status[other.kind] = { error: other.error };
      ctx.log(`gateway ${other.kind} could not run: ${other.error}`);
    }
  }
  // Each connection is its own signed-in caller: no request can share another's subgraph fetch, so
  // every figure is the cost of a request. `ours-identical` sends the same request (same caller) on
  // every connection, which our gateway's sharing of identical in-flight reads can collapse.
  const tokens = await Promise.all(Array.from({ length: ctx.settings.gateway.connections }, (_, i) => benchToken({ sub: `bench-operator-${i + 1}`, role: Role.Operator })));
  const caller = (i: number) => bearer(tokens[i % tokens.length]!);
  const sameCaller = () => bearer(network.fixture.operatorToken);
  const direct = (i: number) => identityToHeaders({ sub: `bench-operator-${(i % tokens.length) + 1}`, role: Role.Operator }, DEVELOPMENT_DEFAULTS.internalCredential);
  const viaGateways = (): Target[] => [
    ...gateways.map((g) => ({ name: g.name, url: g.host.info.url, headers: caller, process: g.host })),
    { name: 'ours-identical', url: network.ours.info.url, headers: sameCaller, process: network.ours },
  ];
  const deepTargets: Target[] = viaGateways();
  const flatTargets: Target[] = [
    ...viaGateways(),
    // The subgraph itself, with the headers a gateway would add for the same callers.
    { name: 'direct', url: network.subgraphs.info.manufacturer, headers: direct, process: network.subgraphs },
  ];
  ctx.commands.push(
    `autocannon (programmatic ${JSON.stringify({ method: 'POST', connections: ctx.settings.gateway.connections, pipelining: 1, duration: ctx.settings.gateway.durationSeconds, warmup: ctx.settings.gateway.warmupSeconds, repeats: ctx.settings.gateway.repeats })})`,
  );
  const deep = await benchQuery(ctx, 'deep', DEEP_QUERY, deepTargets);
  const flat = await benchQuery(ctx, 'one-subgraph', FLAT_QUERY, flatTargets);
  return {
    layout:
      'subgraphs: one child process (3 services); each gateway: a child process of its own; autocannon: the bench process; Postgres: embedded server. All on the same 2 cores: no process has a core to itself.',
    tool: 'autocannon',
    settings: ctx.settings.gateway,
    gateways: status,
    deep,
    flat,
  };
}
