/**
 * `npx tsx bench/src/tracing-cost.ts [--rounds=3] [--queries=400] [--orders=150]`: what tracing
 * costs, off and on, in ONE process running the whole network (as `npm start` and the end-to-end
 * tests do). Rounds alternate off, on, off, on, ... so that the machine's drift falls on both;
 * each round sends a federated gateway query (products with their stock: manufacturer and
 * inventory) and then placeOrder (order, the bus, inventory, order again), 10 at a time. On, every
 * span is exported over OTLP/HTTP to a sink in a process of its own that discards it (otlp-sink.ts).
 * Reported per round and mode: requests/s and CPU ms per request of this process (the gateway, the
 * four subgraphs and the client together), and the medians. Uses TRACING_BENCH_DATABASE (a server
 * URL; a database of its own is created there) or an embedded Postgres of its own.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Role } from '@distribution/auth';
import { startEmbeddedPostgres } from '@distribution/db';
import { startTracing } from '@distribution/tracing';
import { LOAD_TEST_LIMITS, startLocalNetwork } from '../../scripts/local-network.js';
import { bearer, must } from './graphql.js';
import { BENCH_DIR } from './processes.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = arg('rounds', 3);
const QUERIES = arg('queries', 400);
const ORDERS = arg('orders', 150);
const CONCURRENCY = 10;
const log = (message: string) => process.stdout.write(`${message}\n`);

// The sink first, in a process of its own: its work is not this process's.
const sink = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'src', 'otlp-sink.ts'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const sinkUrl = await new Promise<string>((resolve, reject) => {
  sink.once('exit', (code) => reject(new Error(`the OTLP sink exited (${code})`)));
  sink.stdout.once('data', (chunk: Buffer) => resolve(/http:\/\/\S+/.exec(chunk.toString())![0]));
});
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = sinkUrl;

const scratch = path.join(BENCH_DIR, 'results', 'tmp', `tracing-${Date.now()}`);
const embedded = process.env.TRACING_BENCH_DATABASE ? null : await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 0, persistent: false });
const serverUrl = process.env.TRACING_BENCH_DATABASE ?? embedded!.url;
const databaseName = `tracing_bench_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${databaseName}`);
await admin.end();
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();

const network = await startLocalNetwork({ databaseUrl, logLevel: 'warn', eventPollIntervalMs: 600_000, metricsPort: null, ...LOAD_TEST_LIMITS });
const url = network.gatewayUrl;
try {
  const operator = bearer(await network.signToken({ sub: 'bench-operator', role: Role.Operator }));
  const maker = (await must('registerManufacturer', url, 'mutation { registerManufacturer(input: { name: "Tracing bench maker" }) { id } }', {}, operator)).registerManufacturer.id;
  const productIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const input = { manufacturerId: maker, sku: `TB-${i}`, name: `Traced good ${i}`, category: 'traced', unitPrice: '1.00', initialSupply: 1_000_000 };
    productIds.push((await must('createProduct', url, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', { i: input }, operator)).createProduct.id);
  }
  await must('openRound', url, 'mutation { openRound { number } }', {}, operator);
  // Inventory hears of the goods through SupplyChanged: wait until it has every one in stock.
  for (let tries = 0; ; tries++) {
    const { products } = await must('products', url, `{ products(first: 20) { edges { node { stock { available } } } } }`);
    if (products.edges.filter((e: { node: { stock: { available: number } | null } }) => (e.node.stock?.available ?? 0) > 0).length === 20) break;
    if (tries > 300) throw new Error('inventory never stocked the goods');
    await new Promise((r) => setTimeout(r, 100));
  }
  const customers = await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      const input = { name: `Traced customer ${i}`, email: `traced-${i}-${randomUUID().slice(0, 6)}@example.com`, password: `traced customer ${i} password` };
      return bearer((await must('registerCustomer', url, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }', { i: input })).registerCustomer.token);
    }),
  );

  const QUERY = '{ products(first: 20) { edges { node { id name sku unitPrice manufacturer { name } stock { available status } } } } }';
  const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { __typename ... on Order { status } } }';
  /** Runs `count` requests, CONCURRENCY at a time (each worker its own customer); the requests/s and CPU ms per request. */
  async function measure(count: number, send: (worker: number, n: number) => Promise<void>) {
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (next < count) await send(worker, next++);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { perSecond: count / seconds, cpuMsPerRequest: (used.user + used.system) / 1000 / count };
  }
  const query = () =>
    measure(QUERIES, async (worker) => {
      await must('query', url, QUERY, {}, customers[worker]);
    });
  const place = () =>
    measure(ORDERS, async (worker, n) => {
      const { placeOrder } = await must(
        'placeOrder',
        url,
        PLACE,
        { i: { lines: [{ productId: productIds[n % 20], quantity: 1 }], idempotencyKey: randomUUID() } },
        customers[worker],
      );
      if (placeOrder.status !== 'CONFIRMED') throw new Error(`an order ended ${placeOrder.__typename} ${placeOrder.status}`);
    });

  log(
    `warm-up (tracing off), then ${ROUNDS} rounds of off and on: ${QUERIES} queries and ${ORDERS} orders each, ${CONCURRENCY} at a time; load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  await query();
  await place();
  const rounds: Array<{ mode: 'off' | 'on'; query: Awaited<ReturnType<typeof query>>; placeOrder: Awaited<ReturnType<typeof place>> }> = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    const mode = round % 2 === 0 ? 'off' : 'on';
    const tracing = mode === 'on' ? startTracing('tracing-bench', { env: { OTEL_TRACES_EXPORTER: 'otlp' } }) : null;
    if (mode === 'on' && !tracing) throw new Error('tracing did not start');
    const result = { mode, query: await query(), placeOrder: await place() } as const;
    await tracing?.stop();
    rounds.push(result);
    log(
      `${mode.padEnd(3)}  query ${result.query.perSecond.toFixed(0).padStart(5)}/s ${result.query.cpuMsPerRequest.toFixed(2)} CPU ms` +
        `  placeOrder ${result.placeOrder.perSecond.toFixed(0).padStart(5)}/s ${result.placeOrder.cpuMsPerRequest.toFixed(2)} CPU ms`,
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = Object.fromEntries(
    (['off', 'on'] as const).map((mode) => {
      const of = rounds.filter((r) => r.mode === mode);
      return [
        mode,
        {
          queryPerSecond: median(of.map((r) => r.query.perSecond)),
          queryCpuMs: median(of.map((r) => r.query.cpuMsPerRequest)),
          placeOrderPerSecond: median(of.map((r) => r.placeOrder.perSecond)),
          placeOrderCpuMs: median(of.map((r) => r.placeOrder.cpuMsPerRequest)),
        },
      ];
    }),
  );
  log(
    `medians: ${JSON.stringify(summary)}; load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const out = path.join(BENCH_DIR, 'results', 'tracing');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        command: `npx tsx bench/src/tracing-cost.ts ${process.argv.slice(2).join(' ')}`.trim(),
        cores: os.cpus().length,
        loadAverage: os.loadavg(),
        settings: { ROUNDS, QUERIES, ORDERS, CONCURRENCY },
        rounds,
        summary,
      },
      null,
      2,
    ),
  );
  log(`written to ${path.relative(process.cwd(), file)}`);
} finally {
  await network.stop();
  await embedded?.stop();
  sink.kill('SIGTERM');
}
