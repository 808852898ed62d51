/**
 * Part 2, reservations: the same reservation work done two ways, at the same concurrency.
 *   pgbench     one transaction per order, as a hand-written service would do it: the round lock,
 *               the stock rows locked in product-id order (FOR UPDATE), a conditional UPDATE, the
 *               reservation and movement rows, the outbox events and NOTIFY, the depletion check.
 *               It runs on inventory's own tables (its migrations, in a database of its own).
 *   placeOrder  through our gateway: the order subgraph writes the order and OrderPlaced, inventory
 *               reserves in batches (one transaction per batch), order confirms; the mutation
 *               waits for the outcome.
 * Orders are counted by the reservation rows written (orders and units), never by pgbench's
 * transaction count: a transaction that reserved nothing still counts as one there.
 * After every run: no stock row has reserved > on hand, and what is reserved equals the
 * confirmed order lines (placeOrder) or the reservation rows (pgbench).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openServiceDatabase, migrate } from '@distribution/db';
import { inventoryService } from '@distribution/inventory';
import type { BenchContext } from '../context.js';
import { createDatabase } from '../network.js';
import { pgbenchBinary } from '../machine.js';
import { gql, bearer, sleep, until } from '../graphql.js';
import { PLACE_ORDER } from '../fixtures.js';
import { percentile, ratio, round, spread, type Spread } from '../stats.js';
import { randomUUID } from 'node:crypto';

const run = promisify(execFile);

export type Shape = 'spread' | 'hot';

export interface ReservationRun {
  system: 'pgbench' | 'placeOrder';
  shape: Shape;
  concurrency: number;
  seconds: number;
  /** Orders that got reservation rows in the window, per second. */
  ordersPerSecond: number;
  orders: number;
  reservationRows: number;
  reservedUnits: number;
  /** pgbench: its own transaction count (for contrast); placeOrder: requests answered. */
  transactions: number;
  outcomes?: Record<string, number>;
  latencyMs?: { p50: number; p99: number } | { average: number };
  /** placeOrder: reservations written after the window closed (answered PENDING in time). */
  lateOrders?: number;
  /** placeOrder: CPU time per reserved order of the subgraph process and of the gateway process. */
  cpuMsPerOrder?: { subgraphs: number; gateway: number };
  /** placeOrder: SQL statements each service ran per reserved order (event plumbing included). */
  sqlStatementsPerOrder?: Record<string, number>;
  oversell: { checked: true; rowsOverOnHand: number; reservedMismatches: number; ok: boolean };
}

export interface ReservationsResult {
  pgbenchScripts: Record<Shape, string>;
  pgbenchCommand: string;
  settings: BenchContext['settings']['reservations'];
  runs: ReservationRun[];
  figures: Record<string, { pgbench: Spread; placeOrder: Spread; ratio: number }>;
  allChecksPassed: boolean;
}

const SPREAD_LINES = 2;

/** Product n of the pgbench database as a uuid (n = 1..P spread, P+1 hot). */
const PID_FUNCTION = `CREATE OR REPLACE FUNCTION public.bench_pid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE
  AS $$ SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$`;

function pgbenchScript(shape: Shape, products: number): string {
  const pick =
    shape === 'hot'
      ? [`SELECT gen_random_uuid() AS oid, bench_pid(${products + 1}) AS pa \\gset`]
      : [
          `\\set a random(1, ${products})`,
          `\\set b 1 + (:a + random(0, ${products - 2})) % ${products}`,
          'SELECT gen_random_uuid() AS oid, bench_pid(:a) AS pa, bench_pid(:b) AS pb \\gset',
        ];
  const ids = shape === 'hot' ? ':pa' : ':pa, :pb';
  const lines = shape === 'hot' ? 1 : SPREAD_LINES;
  const rows = (f: (p: string) => string) => (shape === 'hot' ? [':pa'] : [':pa', ':pb']).map(f).join(', ');
  const json = (p: string) => `jsonb_build_object('productId', ${p}::text, 'quantity', 1)`;
  return [
    ...pick.slice(0, -1),
    'BEGIN;',
    // pgbench would read ':rounds' inside the literal as a variable: the same text, built without it.
    "SELECT pg_advisory_xact_lock_shared(hashtext('inventory' || ':' || 'rounds'));",
    "SELECT number AS rnd FROM distribution_round WHERE status = 'OPEN' \\gset",
    pick[pick.length - 1]!,
    `SELECT count(*) FILTER (WHERE on_hand - reserved >= 1) AS ok FROM (SELECT on_hand, reserved FROM stock_item WHERE product_id IN (${ids}) ORDER BY product_id FOR UPDATE) s \\gset`,
    `\\if :ok = ${lines}`,
    `UPDATE stock_item SET reserved = reserved + 1, updated_at = now() WHERE product_id IN (${ids}) AND on_hand - reserved >= 1;`,
    `INSERT INTO reservation (order_id, product_id, round_number, quantity, unit_price_cents, status) VALUES ${rows((p) => `(:oid, ${p}, :rnd, 1, 250, 'RESERVED')`)};`,
    `INSERT INTO stock_movement (product_id, round_number, kind, quantity, order_id) VALUES ${rows((p) => `(${p}, :rnd, 'RESERVE', 1, :oid)`)};`,
    `INSERT INTO outbox (event_id, type, version, payload) SELECT gen_random_uuid(), e.type, 1, e.payload FROM (VALUES ('StockReserved', jsonb_build_object('orderId', :oid::text, 'roundNumber', :rnd::int, 'lines', jsonb_build_array(${rows(json)}))), ${rows((p) => `('AvailabilityChanged', (SELECT jsonb_build_object('productId', product_id, 'onHand', on_hand, 'reserved', reserved, 'available', on_hand - reserved) FROM stock_item WHERE product_id = ${p}))`)}) AS e(type, payload);`,
    "SELECT pg_notify('outbox_inventory', '');",
    'SELECT count(*) > 0 AND bool_and(on_hand = reserved) AS depleted FROM stock_item WHERE round_number = :rnd;',
    '\\endif',
    'END;',
    '',
  ].join('\n');
}

/** A database with inventory's tables (its own migrations), P spread products and one hot one, round 1 open. */
async function preparePgbenchDatabase(ctx: BenchContext, products: number): Promise<string> {
  const url = await createDatabase(ctx.serverUrl, 'bench_pgbench');
  const db = await openServiceDatabase({ url, schema: 'inventory', migrations: inventoryService.migrations });
  await migrate(db);
  await db.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE bench_pgbench SET search_path = inventory, public`);
    await client.query(PID_FUNCTION);
    await client.query(`SET search_path = inventory, public`);
    await client.query(
      `INSERT INTO product (id, manufacturer_id, category, unit_price_cents, supply)
      SELECT bench_pid(n), gen_random_uuid(), 'bench', 250, 1000000000 FROM generate_series(1, $1::int + 1) n`,
      [products],
    );
    await client.query(`INSERT INTO distribution_round (number, status, opened_at, ends_at) VALUES (1, 'OPEN', now(), now() + interval '1 day')`);
    await client.query(`INSERT INTO stock_item (product_id, on_hand, reserved, round_number) SELECT bench_pid(n), 1000000000, 0, 1 FROM generate_series(1, $1::int + 1) n`, [
      products,
    ]);
  } finally {
    await client.end();
  }
  return url;
}

interface Totals {
  rows: number;
  orders: number;
  units: number;
}

async function reservationTotals(query: (sql: string, params?: unknown[]) => Promise<any[]>, table: string, until?: Date): Promise<Totals> {
  const [r] = await query(
    `SELECT count(*)::int AS rows, count(DISTINCT order_id)::int AS orders, coalesce(sum(quantity), 0)::bigint AS units
     FROM ${table} WHERE status = 'RESERVED' ${until ? 'AND created_at <= $1' : ''}`,
    until ? [until] : [],
  );
  return { rows: r.rows, orders: r.orders, units: Number(r.units) };
}

async function checkPgbenchDatabase(client: pg.Client): Promise<ReservationRun['oversell']> {
  const [{ over }] = (await client.query(`SELECT count(*)::int AS over FROM inventory.stock_item WHERE reserved > on_hand OR reserved < 0`)).rows;
  const [{ mismatches }] = (
    await client.query(`
    SELECT count(*)::int AS mismatches FROM inventory.stock_item s
    LEFT JOIN (SELECT product_id, sum(quantity)::int AS q FROM inventory.reservation WHERE status = 'RESERVED' GROUP BY product_id) r USING (product_id)
    WHERE s.reserved <> coalesce(r.q, 0)`)
  ).rows;
  return { checked: true, rowsOverOnHand: over, reservedMismatches: mismatches, ok: over === 0 && mismatches === 0 };
}

/** Waits until every order is decided and every outbox is drained, then checks the invariants across services. */
async function checkNetwork(ctx: BenchContext): Promise<ReservationRun['oversell']> {
  const sql = ctx.network.sql;
  await until(
    'the network quiesces (no PENDING order, outboxes empty)',
    async () => {
      const [r] = await sql(`SELECT (SELECT count(*) FROM orders.customer_order WHERE status = 'PENDING')::int
      + (SELECT count(*) FROM orders.outbox)::int + (SELECT count(*) FROM inventory.outbox)::int + (SELECT count(*) FROM manufacturer.outbox)::int AS busy`);
      return r.busy === 0;
    },
    60_000,
    100,
  );
  const [{ over }] = await sql(`SELECT count(*)::int AS over FROM inventory.stock_item WHERE reserved > on_hand OR reserved < 0`);
  const [round] = await sql(`SELECT number FROM inventory.distribution_round WHERE status = 'OPEN'`);
  const confirmed = await sql(
    `SELECT l.product_id, sum(l.quantity)::int AS q FROM orders.order_line l JOIN orders.customer_order o ON o.id = l.order_id
    WHERE o.status = 'CONFIRMED' AND o.round_number = $1 GROUP BY l.product_id`,
    [round?.number ?? -1],
  );
  const reserved = await sql(`SELECT product_id, reserved FROM inventory.stock_item WHERE reserved > 0`);
  const want = new Map(confirmed.map((r) => [r.product_id, r.q]));
  let mismatches = 0;
  for (const r of reserved) if (want.get(r.product_id) !== r.reserved) mismatches++;
  for (const [p] of want) if (!reserved.some((r) => r.product_id === p)) mismatches++;
  return { checked: true, rowsOverOnHand: over, reservedMismatches: mismatches, ok: over === 0 && mismatches === 0 };
}

async function runPgbench(ctx: BenchContext, url: string, client: pg.Client, scriptPath: string, shape: Shape, concurrency: number, seconds: number): Promise<ReservationRun> {
  const q = (text: string, params?: unknown[]) => client.query(text, params as unknown[]).then((r) => r.rows);
  const before = await reservationTotals(q, 'inventory.reservation');
  const args = ['-n', '-M', 'extended', '-c', String(concurrency), '-j', String(Math.min(concurrency, os.cpus().length)), '-T', String(seconds), '-f', scriptPath, url];
  const { stdout } = await run(pgbenchBinary(), args, { timeout: (seconds + 60) * 1000, maxBuffer: 16 * 2 ** 20 });
  const after = await reservationTotals(q, 'inventory.reservation');
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? 0);
  const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
  const average = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? Number.NaN);
  if (failed > 0 || transactions === 0) throw new Error(`pgbench ${shape} c${concurrency}: ${transactions} transactions, ${failed} failed:\n${stdout}`);
  const orders = after.orders - before.orders;
  return {
    system: 'pgbench',
    shape,
    concurrency,
    seconds,
    ordersPerSecond: round(orders / seconds, 1),
    orders,
    reservationRows: after.rows - before.rows,
    reservedUnits: after.units - before.units,
    transactions,
    latencyMs: { average },
    oversell: await checkPgbenchDatabase(client),
  };
}

async function runPlaceOrder(ctx: BenchContext, shape: Shape, concurrency: number, seconds: number): Promise<ReservationRun> {
  const { fixture, ours } = ctx.network;
  const sql = ctx.network.sql;
  const spreadIds = fixture.spreadProductIds;
  const lines = (): Array<{ productId: string; quantity: number }> => {
    if (shape === 'hot') return [{ productId: fixture.hotProductId, quantity: 1 }];
    const a = Math.floor(Math.random() * spreadIds.length);
    const b = (a + 1 + Math.floor(Math.random() * (spreadIds.length - 1))) % spreadIds.length;
    return [
      { productId: spreadIds[a]!, quantity: 1 },
      { productId: spreadIds[b]!, quantity: 1 },
    ];
  };
  const before = await reservationTotals(sql, 'inventory.reservation');
  const cpu = () => Promise.all([ctx.network.subgraphs.request<NodeJS.CpuUsage>('cpu'), ours.request<NodeJS.CpuUsage>('cpu')]);
  const cpuBefore = await cpu();
  const statementsBefore = await ctx.network.subgraphs.request<Record<string, number>>('statements');
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const customer = fixture.customers[worker % fixture.customers.length]!;
      while (Date.now() < deadline) {
        const t = performance.now();
        const r = await gql(ours.info.url, PLACE_ORDER, { input: { lines: lines(), idempotencyKey: randomUUID() } }, bearer(customer.token));
        latencies.push(performance.now() - t);
        const key = r.errors ? `error:${r.errors[0]?.extensions?.code ?? r.errors[0]?.message}` : (r.data?.placeOrder?.status ?? r.data?.placeOrder?.__typename);
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    }),
  );
  const ended = Date.now();
  const cpuAfter = await cpu();
  const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  const windowSeconds = (ended - started) / 1000;
  const oversell = await checkNetwork(ctx);
  const statementsAfter = await ctx.network.subgraphs.request<Record<string, number>>('statements');
  const inWindow = await reservationTotals(sql, 'inventory.reservation', new Date(ended));
  const after = await reservationTotals(sql, 'inventory.reservation');
  const orders = inWindow.orders - before.orders;
  return {
    system: 'placeOrder',
    shape,
    concurrency,
    seconds: round(windowSeconds, 2),
    ordersPerSecond: round(orders / windowSeconds, 1),
    orders,
    reservationRows: inWindow.rows - before.rows,
    reservedUnits: inWindow.units - before.units,
    transactions: latencies.length,
    outcomes,
    latencyMs: { p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1) },
    lateOrders: after.orders - inWindow.orders,
    sqlStatementsPerOrder: Object.fromEntries(
      Object.keys(statementsAfter).map((k) => [k, round((statementsAfter[k]! - (statementsBefore[k] ?? 0)) / Math.max(1, after.orders - before.orders), 1)]),
    ),
    cpuMsPerOrder: {
      subgraphs: round((ms(cpuAfter[0]) - ms(cpuBefore[0])) / Math.max(1, orders), 2),
      gateway: round((ms(cpuAfter[1]) - ms(cpuBefore[1])) / Math.max(1, orders), 2),
    },
    oversell,
  };
}

export async function runReservationsPart(ctx: BenchContext): Promise<ReservationsResult> {
  const s = ctx.settings.reservations;
  const url = await preparePgbenchDatabase(ctx, s.spreadProducts);
  const scripts: Record<Shape, string> = { spread: pgbenchScript('spread', s.spreadProducts), hot: pgbenchScript('hot', s.spreadProducts) };
  const paths: Record<Shape, string> = { spread: path.join(ctx.tmpDir, 'reserve-spread.sql'), hot: path.join(ctx.tmpDir, 'reserve-hot.sql') };
  for (const shape of ['spread', 'hot'] as const) writeFileSync(paths[shape], scripts[shape]);
  const pgbenchCommand = `${pgbenchBinary()} -n -M extended -c <concurrency> -j <min(concurrency, cores)> -T ${s.durationSeconds} -f reserve-<shape>.sql <bench_pgbench url>`;
  ctx.commands.push(pgbenchCommand);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const runs: ReservationRun[] = [];
  try {
    for (let rep = 0; rep < s.repeats; rep++) {
      for (const shape of ['spread', 'hot'] as const) {
        for (const c of s.concurrency) {
          // Alternate which system goes first, so neither always runs on a warmer (or busier) server.
          const order = (rep + s.concurrency.indexOf(c)) % 2 === 0 ? ['pgbench', 'placeOrder'] : ['placeOrder', 'pgbench'];
          for (const system of order) {
            const r = system === 'pgbench' ? await runPgbench(ctx, url, client, paths[shape], shape, c, s.durationSeconds) : await runPlaceOrder(ctx, shape, c, s.durationSeconds);
            runs.push(r);
            ctx.log(
              `reservations run ${rep + 1}/${s.repeats} ${shape} c${c} ${system}: ${r.ordersPerSecond} orders/s (${r.orders} orders, ${r.reservationRows} rows, ${r.reservedUnits} units; ${r.transactions} ${system === 'pgbench' ? 'pgbench transactions' : 'requests'}${r.outcomes ? ` ${JSON.stringify(r.outcomes)}` : ''}) ${r.cpuMsPerOrder ? `CPU/order: subgraphs ${r.cpuMsPerOrder.subgraphs} ms, gateway ${r.cpuMsPerOrder.gateway} ms; SQL/order ${JSON.stringify(r.sqlStatementsPerOrder)}; ` : ''}oversell check ${r.oversell.ok ? 'ok' : `FAILED ${JSON.stringify(r.oversell)}`} (load ${os.loadavg()[0]!.toFixed(1)})`,
            );
            await sleep(200);
          }
        }
      }
    }
  } finally {
    await client.end();
  }
  const figures: ReservationsResult['figures'] = {};
  for (const shape of ['spread', 'hot'] as const) {
    for (const c of s.concurrency) {
      const of = (system: string) => spread(runs.filter((r) => r.system === system && r.shape === shape && r.concurrency === c).map((r) => r.ordersPerSecond));
      const pgb = of('pgbench');
      const po = of('placeOrder');
      figures[`${shape} c${c}`] = { pgbench: pgb, placeOrder: po, ratio: ratio(po.median, pgb.median) };
    }
  }
  return { pgbenchScripts: scripts, pgbenchCommand, settings: s, runs, figures, allChecksPassed: runs.every((r) => r.oversell.ok) };
}
