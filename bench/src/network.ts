/**
 * The network the bench measures: the three subgraphs in one child process, each gateway in a
 * child process of its own, on a database of its own, loaded with the bench fixture. Ports are
 * chosen up front so that the subgraphs and the gateways start at the same time.
 */
import path from 'node:path';
import pg from 'pg';
import { freePort, withDatabaseName } from '@distribution/db';
import { startChild, ROOT_DIR, type Child } from './processes.js';
import type { SubgraphHostInfo, SubgraphHostSettings } from './hosts/subgraphs.js';
import type { GatewayHostInfo, GatewayHostSettings, GatewayKind } from './hosts/gateway.js';
import { loadFixture, type Fixture, type FixtureSize } from './fixtures.js';
import { benchKeys } from './signing.js';

export const SUPERGRAPH_PATH = path.join(ROOT_DIR, 'gateway', 'supergraph.graphql');

export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return withDatabaseName(serverUrl, name);
}

export { freePort };

export type GatewayHost = Child<GatewayHostInfo>;
/** A gateway that could not start: why, in its own words. */
export interface GatewayFailure {
  kind: GatewayKind;
  error: string;
}

export interface BenchNetwork {
  databaseUrl: string;
  subgraphs: Child<SubgraphHostInfo>;
  ours: GatewayHost;
  /** The gateways we compare with (stopped after the gateway part). */
  others: Array<GatewayHost | GatewayFailure>;
  fixture: Fixture;
  startedInMs: number;
  /** Reads any schema directly: the bench checks invariants across services this way, services never do. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  stopOthers(): Promise<void>;
  stop(): Promise<void>;
}

export function startGatewayHost(
  kind: GatewayKind,
  supergraphPath: string,
  subgraphs: GatewayHostSettings['subgraphs'],
  logDir: string,
  execArgv: string[] = [],
): Promise<GatewayHost> {
  const settings: GatewayHostSettings = { kind, supergraphPath, subgraphs };
  return startChild<GatewayHostInfo>(`gateway-${kind}`, 'src/hosts/gateway.ts', {
    logDir,
    execArgv,
    readyTimeoutMs: 120_000,
    env: { BENCH_GATEWAY: JSON.stringify(settings), NODE_ENV: 'development' },
  });
}

export async function startBenchNetwork(
  serverUrl: string,
  options: {
    supergraphPath: string;
    logDir: string;
    eventPollIntervalMs: number;
    fixture: FixtureSize;
    others: GatewayKind[];
    log: (m: string) => void;
  },
): Promise<BenchNetwork> {
  const t0 = Date.now();
  const databaseUrl = await createDatabase(serverUrl, 'bench_network');
  const ports = { manufacturer: await freePort(), inventory: await freePort(), order: await freePort(), account: await freePort() };
  const urls = {
    manufacturer: `http://127.0.0.1:${ports.manufacturer}/graphql`,
    inventory: `http://127.0.0.1:${ports.inventory}/graphql`,
    order: `http://127.0.0.1:${ports.order}/graphql`,
    account: `http://127.0.0.1:${ports.account}/graphql`,
  };
  // The run's signing key, in the environment the child processes inherit.
  await benchKeys();
  const settings: SubgraphHostSettings = { databaseUrl, eventPollIntervalMs: options.eventPollIntervalMs, logLevel: 'warn', ports };
  // BENCH_PROFILE_DIR=<dir>: the subgraphs and our gateway write V8 CPU profiles there when they stop.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const subgraphsStarting = startChild<SubgraphHostInfo>('subgraphs', 'src/hosts/subgraphs.ts', {
    logDir: options.logDir,
    execArgv: profile,
    readyTimeoutMs: 120_000,
    env: { BENCH_SUBGRAPHS: JSON.stringify(settings), NODE_ENV: 'development' },
  });
  // --expose-gc: the live part reads our gateway's memory after a full collection.
  const oursStarting = startGatewayHost('ours', options.supergraphPath, urls, options.logDir, ['--expose-gc', ...profile]);
  const othersStarting = options.others.map((kind) =>
    startGatewayHost(kind, options.supergraphPath, urls, options.logDir).catch((e: Error): GatewayFailure => ({ kind, error: e.message })),
  );
  const settled = await Promise.allSettled([subgraphsStarting, oursStarting]);
  const others = await Promise.all(othersStarting);
  const stopAll = async () => {
    await Promise.all(
      [...settled, ...others.map((o) => ({ status: 'fulfilled' as const, value: o }))].map(async (s) => {
        if (s.status === 'fulfilled' && 'stop' in s.value) await s.value.stop();
      }),
    );
  };
  if (settled.some((s) => s.status === 'rejected')) {
    await stopAll();
    throw (settled.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const subgraphs = (settled[0] as PromiseFulfilledResult<Child<SubgraphHostInfo>>).value;
  const ours = (settled[1] as PromiseFulfilledResult<GatewayHost>).value;
  options.log(`processes ready in ${Date.now() - t0} ms (subgraphs, ours${others.map((o) => `, ${'stop' in o ? o.info.kind : `${o.kind} FAILED`}`).join('')})`);

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  let fixture: Fixture;
  try {
    fixture = await loadFixture(ours.info.url, options.fixture, options.log);
  } catch (error) {
    await stopAll();
    await pool.end();
    throw error;
  }
  const startedInMs = Date.now() - t0;
  options.log(
    `fixture: ${fixture.spreadProductIds.length + 2} products, ${fixture.customers.length} customers, ${fixture.ordersPlaced} orders, round ${fixture.roundNumber} (network ready in ${startedInMs} ms)`,
  );
  let othersStopped = false;
  const stopOthers = async () => {
    if (othersStopped) return;
    othersStopped = true;
    await Promise.all(others.flatMap((o) => ('stop' in o ? [o.stop()] : [])));
  };
  return {
    databaseUrl,
    subgraphs,
    ours,
    others,
    fixture,
    startedInMs,
    sql: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    stopOthers,
    stop: async () => {
      await stopOthers();
      await ours.stop();
      await subgraphs.stop();
      await pool.end();
    },
  };
}
