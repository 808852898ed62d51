/**
 * `npm start` killed while customers order (SIGKILL: a closed terminal, the OOM killer) recovers
 * without a hand: its database stops by itself, a database left running anyway is stopped by the
 * next start, and every order placed before the crash is resolved once the consumers catch up.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, formatSigningKeys, generateSigningKey, signToken } from '@distribution/auth';
import { eventually, graphqlClient } from '@distribution/testkit';
import { gone, lockFilePid, npmStart, running, watchdogOf, type NpmStart } from './npm-start.js';

// The run's own signing key (ACCOUNT_SIGNING_KEYS), so that the test can mint an operator token.
const signingKey = generateSigningKey();
const EARLIER_RUN_LINE = /found the database of an earlier run still running \(pid (\d+)\); stopped it/;
const CUSTOMERS = 4;
const ORDERS_BEFORE_CRASH = 40;

interface Placed {
  orderId: string | null;
  token: string;
  idempotencyKey: string;
  productId: string;
}

/** Customers placing one-unit orders of random products until told to stop; records every answer. */
async function startOrdering(gatewayUrl: string) {
  const anonymous = graphqlClient({ url: gatewayUrl });
  const products = await anonymous<{ products: { edges: Array<{ node: { id: string } }> } }>('{ products(first: 50) { edges { node { id } } } }');
  const productIds = products.data!.products.edges.map((edge) => edge.node.id);
  expect(productIds.length).toBeGreaterThan(0);
  const tokens = await Promise.all(
    Array.from({ length: CUSTOMERS }, async (_, i) => {
      const res = await anonymous('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }', {
        i: { name: `Crash customer ${i}`, email: `crash-${randomUUID().slice(0, 8)}@example.com`, password: `crash password ${i}` },
      });
      return res.data.registerCustomer.token as string;
    }),
  );
  const placed: Placed[] = [];
  let answered = 0;
  let stopped = false;
  let onAnswer = () => {};
  const customer = async (token: string) => {
    const client = graphqlClient({ url: gatewayUrl, headers: { authorization: `Bearer ${token}` } });
    while (!stopped) {
      const entry: Placed = { orderId: null, token, idempotencyKey: randomUUID(), productId: productIds[Math.floor(Math.random() * productIds.length)]! };
      placed.push(entry);
      try {
        const res = await client('mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { __typename ... on Order { id status } } }', {
          input: { lines: [{ productId: entry.productId, quantity: 1 }], idempotencyKey: entry.idempotencyKey },
        });
        if (res.data?.placeOrder?.__typename === 'Order') entry.orderId = res.data.placeOrder.id;
        answered += 1;
        onAnswer();
      } catch {
        // The network died under the request: whether the order was placed is for the recovery to show.
      }
    }
  };
  const loops = tokens.map(customer);
  return {
    placed,
    /** Resolves once `count` orders have been answered. */
    answered: (count: number) =>
      new Promise<void>((resolve) => {
        onAnswer = () => {
          if (answered >= count) resolve();
        };
        onAnswer();
      }),
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
    /** Raise the flag first, so no customer loops on a refused connection after the crash. */
    halt: () => {
      stopped = true;
    },
  };
}

/** Waits (bounded) until no order is PENDING, then checks each order answered before the crash. */
async function expectEveryOrderResolved(run: NpmStart, placed: Placed[]) {
  const operator = graphqlClient({
    url: run.gatewayUrl,
    headers: { authorization: `Bearer ${await signToken({ sub: 'crash-operator', role: Role.Operator }, await signingKey)}` },
  });
  await eventually(
    async () => {
      const res = await operator('{ orders(status: PENDING, first: 1) { edges { node { id } } } }');
      return res.data?.orders.edges.length === 0;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  const known = placed.filter((entry) => entry.orderId !== null);
  expect(known.length).toBeGreaterThanOrEqual(ORDERS_BEFORE_CRASH);
  for (const entry of known) {
    const res = await operator('query($id: ID!) { order(id: $id) { status } }', { id: entry.orderId });
    expect(['CONFIRMED', 'REJECTED']).toContain(res.data?.order?.status);
  }
  // The same idempotency key after the crash gives the order placed before it, never a second one.
  const retried = known[known.length - 1]!;
  const again = await graphqlClient({ url: run.gatewayUrl, headers: { authorization: `Bearer ${retried.token}` } })(
    'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ... on Order { id } } }',
    { input: { lines: [{ productId: retried.productId, quantity: 1 }], idempotencyKey: retried.idempotencyKey } },
  );
  expect(again.data?.placeOrder?.id).toBe(retried.orderId);
  await expectStockInvariants(run.postgresPort);
}

/** Units in confirmed orders equal units inventory holds reserved, and no stock row is out of bounds. */
async function expectStockInvariants(postgresPort: number) {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${postgresPort}/postgres` });
  await client.connect();
  try {
    expect((await client.query('SELECT product_id FROM inventory.stock_item WHERE reserved < 0 OR reserved > on_hand')).rows).toEqual([]);
    const confirmed = await client.query(`SELECT l.product_id::text, sum(l.quantity)::int AS units FROM orders.order_line l JOIN orders.customer_order o ON o.id = l.order_id
                                          WHERE o.status = 'CONFIRMED' GROUP BY l.product_id ORDER BY 1`);
    const reserved = await client.query('SELECT product_id::text, reserved AS units FROM inventory.stock_item WHERE reserved > 0 ORDER BY 1');
    expect(confirmed.rows).toEqual(reserved.rows);
  } finally {
    await client.end();
  }
}

/** Ctrl-C: the run stops cleanly and takes its database with it. */
async function stopCleanly(run: NpmStart) {
  run.interrupt();
  expect(await run.exited).toEqual({ code: 0, signal: null });
  expect(await gone(run.serverPid)).toBe(true);
}

describe.skipIf(process.platform !== 'linux')('npm start after a crash', () => {
  let base: string;
  const runs: NpmStart[] = [];
  const start = async (dataDir: string) => {
    const run = await npmStart(dataDir, { ACCOUNT_SIGNING_KEYS: formatSigningKeys([await signingKey]) });
    runs.push(run);
    return run;
  };

  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'crash-recovery-'));
    chmodSync(base, 0o755); // traversable by the `postgres` user the server runs as when tests run as root
  });
  afterAll(async () => {
    // Only what this file started: each run's group, then any server of ours still up.
    for (const run of runs) run.killAll();
    for (const run of runs) {
      if (running(run.serverPid)) {
        try {
          process.kill(run.serverPid, 'SIGINT');
        } catch {
          /* gone */
        }
      }
      await gone(run.serverPid);
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('stops its database by itself when the whole run is killed, and the next start resolves every order placed before', async () => {
    const dataDir = path.join(base, 'killed');
    const crashed = await start(dataDir);
    expect(watchdogOf(crashed.serverPid)).not.toBeNull();
    const customers = await startOrdering(crashed.gatewayUrl);
    await customers.answered(ORDERS_BEFORE_CRASH);

    customers.halt();
    crashed.killAll();
    expect((await crashed.exited).signal).toBe('SIGKILL');
    await customers.stop();
    // (a) nothing of the run is left to stop it: the watchdog does.
    expect(await gone(crashed.serverPid)).toBe(true);
    expect(lockFilePid(dataDir)).toBeNull();

    const next = await start(dataDir);
    expect(next.output()).not.toMatch(EARLIER_RUN_LINE);
    await expectEveryOrderResolved(next, customers.placed);
    await stopCleanly(next);
  }, 240_000);

  it('stops a database an earlier run left running (its watchdog killed too), says so in one line, and every order placed before resolves', async () => {
    const dataDir = path.join(base, 'left-running');
    const crashed = await start(dataDir);
    const customers = await startOrdering(crashed.gatewayUrl);
    await customers.answered(ORDERS_BEFORE_CRASH);

    const watchdog = watchdogOf(crashed.serverPid);
    expect(watchdog).not.toBeNull();
    process.kill(watchdog!, 'SIGKILL');
    expect(await gone(watchdog!)).toBe(true);
    customers.halt();
    crashed.killAll();
    await crashed.exited;
    await customers.stop();
    expect(running(crashed.serverPid)).toBe(true); // the leftover this start must deal with

    const next = await start(dataDir);
    const lines = next
      .output()
      .split('\n')
      .filter((line) => EARLIER_RUN_LINE.test(line));
    expect(lines).toEqual([`found the database of an earlier run still running (pid ${crashed.serverPid}); stopped it`]);
    expect(running(crashed.serverPid)).toBe(false);
    expect(next.output()).not.toMatch(/\n\s+at /); // no stack trace
    await expectEveryOrderResolved(next, customers.placed);
    await stopCleanly(next);
  }, 240_000);
});
