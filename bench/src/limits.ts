/**
 * `npx tsx bench/src/limits.ts [--quick]`: what the operation limits (gateway/src/limits) cost the
 * gateway, and whether it stays responsive while the costliest operation they allow runs.
 *
 * 1. Per request, in process, for every operation of client-examples/operations: the guard's work
 *    on the fast path (the cost of a known document and variables: remembered), on Apollo Server's
 *    path (the document's verdict and the cost: remembered), and a cost computed afresh (first sight
 *    of a document or of new variable values). Medians of repeated runs, in µs per request.
 * 2. `/healthz` polled every 50 ms, idle and then while a few clients send, back to back, the
 *    costliest operation the default limits allow (39 manufacturers × 100 products with their
 *    stock: cost about 31,400 of 32,000, 3,900 products fetched across two subgraphs; --quick: 20
 *    manufacturers). The network is the bench's: subgraphs and our gateway in child processes of
 *    their own, an embedded Postgres, the catalog loaded through the gateway.
 *
 * Loopback only, every wait bounded; prints a table and writes nothing.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { startEmbeddedPostgres } from '@distribution/db';
import { OperationGuard } from '../../gateway/src/limits/index.js';
import { operation as operationText, operationNames } from '../../client-examples/operations/index.js';
import { sampleVariables } from '../../gateway/test/fixtures/sample-variables.js';
import { startBenchNetwork, SUPERGRAPH_PATH } from './network.js';
import { BENCH_DIR } from './processes.js';
import { bearer, gql, inFlight, must, until } from './graphql.js';
import { operatorToken } from './fixtures.js';
import { percentile, round, spread } from './stats.js';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const quick = process.argv.includes('--quick');
const t0 = performance.now();
const log = (message: string) => process.stdout.write(`[limits ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
const watchdog = setTimeout(
  () => {
    log('deadline passed: stopping');
    process.exit(3);
  },
  (quick ? 10 : 20) * 60_000,
);
watchdog.unref();

// --- 1. The guard's work per request -------------------------------------------------------------

const schema = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema() as unknown as GraphQLSchema;

/** µs per call of `work`, median of `runs` runs of `n` calls. */
function microseconds(work: (i: number) => unknown, n: number, runs = 5): number {
  for (let i = 0; i < Math.min(n, 2000); i++) work(i);
  const figures: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) work(i);
    figures.push(((performance.now() - start) * 1000) / n);
  }
  return round(spread(figures).median, 2);
}

const perRequest = operationNames().map((name) => {
  const source = operationText(name);
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const variables = sampleVariables(schema, operation, 20);
  const guard = new OperationGuard();
  const n = quick ? 2000 : 20_000;
  return {
    operation: name,
    'fast path µs': microseconds(() => guard.costError(schema, document, operation, variables), n),
    'Apollo path µs': microseconds(() => guard.operationError(schema, document, operation, variables), n),
    // A fresh guard each time: nothing remembered (the rules' validation and the cost, from scratch).
    'first sight µs': microseconds(() => new OperationGuard().operationError(schema, document, operation, variables), quick ? 50 : 300),
  };
});
log("the guard's work per request (median of 5 runs):");
console.table(perRequest);

// --- 2. /healthz under the costliest allowed operation -------------------------------------------

// Quick: a third of the catalog, to check the script end to end (loading 6,000 products through the gateway takes minutes).
const MANUFACTURERS = quick ? 20 : 39;
const PRODUCTS_EACH = 100;
const COSTLIEST = `query Costliest { manufacturers(first: ${MANUFACTURERS}) { edges { node { id name products(first: ${PRODUCTS_EACH}) {
  edges { node { id name sku unitPrice stock { available } } } } } } } }`;
const costliest = parse(COSTLIEST);
const cost = new OperationGuard().measure(schema, COSTLIEST, costliest, costliest.definitions[0] as OperationDefinitionNode).cost;
log(`costliest allowed operation: cost ${cost} of ${new OperationGuard().limits.cost}`);

interface Probe {
  ms: number[];
  failures: number;
}

/** The poller, in a worker thread: its timings must not wait for this thread reading the costly answers. */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const probe = { ms: [], failures: 0 };
let running = true;
parentPort.on('message', () => { running = false; });
(async () => {
  while (running) {
    const started = performance.now();
    try {
      const res = await fetch(workerData.url, { signal: AbortSignal.timeout(5000) });
      await res.text();
      if (res.ok) probe.ms.push(performance.now() - started); else probe.failures++;
    } catch { probe.failures++; }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, workerData.everyMs - (performance.now() - started))));
  }
  parentPort.postMessage(probe);
})();
`;

/** GETs /healthz every `everyMs` until `stop()`, timing each answer (5 s timeout each). */
function pollHealth(url: string, everyMs = 50): { stop(): Promise<Probe> } {
  const worker = new Worker(POLLER, { eval: true, workerData: { url, everyMs } });
  const result = new Promise<Probe>((resolve, reject) => {
    worker.once('message', (probe: Probe) => resolve(probe));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const probe = await result;
      await worker.terminate();
      return probe;
    },
  };
}

/** Sends the costliest operation and reads its answer without parsing it (this thread must stay cheap); true when it is data. */
async function sendCostliest(url: string, headers: Record<string, string>): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: COSTLIEST }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return res.ok && body.subarray(0, 8).toString() === '{"data":' && !body.includes('"errors"');
}

const summary = (p: Probe) => ({
  answers: p.ms.length,
  failures: p.failures,
  p50: round(percentile(p.ms, 50)),
  p99: round(percentile(p.ms, 99)),
  max: round(Math.max(...p.ms)),
  'over 100 ms': p.ms.filter((ms) => ms > 100).length,
});

const scratch = path.join(BENCH_DIR, 'results', 'tmp', `limits-${Date.now()}`);
mkdirSync(scratch, { recursive: true });
for (const dir of [path.join(BENCH_DIR, 'results'), path.join(BENCH_DIR, 'results', 'tmp'), scratch]) chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 0, persistent: false });
let network: Awaited<ReturnType<typeof startBenchNetwork>> | undefined;
try {
  log(
    `machine: ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  // The bench's own fixture is tiny here; the catalog comes next, loaded as an operator would.
  network = await startBenchNetwork(postgres.url, {
    supergraphPath: SUPERGRAPH_PATH,
    logDir: scratch,
    eventPollIntervalMs: 600_000,
    fixture: { manufacturers: 1, productsPerManufacturer: 1, customers: 1, orders: 0, spreadSupply: 1, hotSupply: 1 },
    others: [],
    log,
  });
  const url = network.ours.info.url;
  const health = url.replace(/\/graphql$/, '/healthz');
  const headers = bearer(await operatorToken());
  const makers = await inFlight(
    4,
    Array.from(
      { length: MANUFACTURERS - 1 },
      (_, i) => async () =>
        (
          await must<{ registerManufacturer: { id: string } }>(
            'registerManufacturer',
            url,
            'mutation($n: String!) { registerManufacturer(input: { name: $n }) { id } }',
            { n: `Limits maker ${i + 2}` },
            headers,
          )
        ).registerManufacturer.id,
    ),
  );
  const all = [...network.fixture.manufacturerIds, ...makers];
  await inFlight(
    8,
    all.flatMap((manufacturerId, m) =>
      Array.from({ length: PRODUCTS_EACH - (m === 0 ? 3 : 0) }, (_, p) => async () => {
        await must(
          'createProduct',
          url,
          'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
          { i: { manufacturerId, sku: `L-${m}-${p}`, name: `Limits product ${m}-${p}`, category: 'limits', unitPrice: '1.00', initialSupply: 10 } },
          headers,
        );
      }),
    ),
  );
  log(`catalog: ${all.length} manufacturers × ${PRODUCTS_EACH} products created`);
  // Stock reaches inventory as events: wait until every product of the answer has it.
  const answer = await until(
    'inventory knows every product',
    async () => {
      const result = await gql(url, COSTLIEST, {}, headers);
      const nodes = (result.data?.manufacturers.edges ?? []).flatMap((e: any) => e.node.products.edges);
      return !result.errors && nodes.length >= MANUFACTURERS * PRODUCTS_EACH && nodes.every((e: any) => e.node.stock) ? result : undefined;
    },
    600_000,
    2000,
  );
  log(`the costliest operation answers ${MANUFACTURERS * PRODUCTS_EACH} products with their stock (${Math.round(JSON.stringify(answer.data).length / 1024)} kB)`);

  const seconds = quick ? 4 : 15;
  const idle = pollHealth(health);
  await new Promise((resolve) => setTimeout(resolve, seconds * 500));
  const idleFigures = summary(await idle.stop());

  const clients = 2;
  const durations: number[] = [];
  let failures = 0;
  const cpuMs = async () => {
    const usage = await network!.ours.request<NodeJS.CpuUsage>('cpu');
    return (usage.user + usage.system) / 1000;
  };
  const cpuBefore = await cpuMs();
  const busy = pollHealth(health);
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        if (await sendCostliest(url, headers)) durations.push(performance.now() - started);
        else failures++;
      }
    }),
  );
  const busyFigures = summary(await busy.stop());
  // CPU, not wall time: what one answer costs the gateway's thread, whatever else the machine runs.
  const cpuPerAnswer = round(((await cpuMs()) - cpuBefore) / Math.max(1, durations.length));
  log(`/healthz every 50 ms, idle for ${seconds / 2} s, then for ${seconds} s while ${clients} clients send the costliest operation back to back:`);
  console.table({ idle: idleFigures, 'under the costliest operation': busyFigures });
  log(
    `the costliest operation: ${durations.length} answered (${failures} failed), p50 ${round(percentile(durations, 50))} ms, max ${round(Math.max(...durations))} ms; gateway CPU ${cpuPerAnswer} ms per answer`,
  );
  log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await network?.stop().catch(() => {});
  await postgres.stop().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
clearTimeout(watchdog);
process.exit(0);
