// The built services run as the images run them: `node dist/main.js`, no tsx, in production mode,
// against a real Postgres, and a query goes through the compiled gateway to a compiled subgraph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, graphqlClient } from '@distribution/testkit';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** `npm run build -w <service>`'s command, run here so the test always runs the current sources. */
async function build(folder: string): Promise<void> {
  await promisify(execFile)(process.execPath, [tsx, path.join(root, 'scripts', 'build-service.ts')], { cwd: path.join(root, folder), timeout: 60_000 });
}

interface Running {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts `node dist/main.js` in `folder`; resolves with the URL of its ready line, rejects if it exits or stays silent. */
function startBuilt(folder: string, env: Record<string, string>, withinMs = 40_000): Promise<Running> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: path.join(root, folder),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', METRICS_PORT: '0', APOLLO_TELEMETRY_DISABLED: 'true', ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${folder} printed no ready line within ${withinMs} ms:\n${output}`)), withinMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${folder} exited (${code}) before it was ready:\n${output}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /"msg":"\w+ ready at (http:\/\/[^"]+)"/.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve({ url: ready[1], child, exited, output: () => output });
    });
  });
}

/** SIGTERM, as `docker stop` sends it; resolves with the exit code once the process has drained. */
async function stop(running: Running | undefined): Promise<number | null | undefined> {
  if (!running) return undefined;
  running.child.kill('SIGTERM');
  return running.exited;
}

describe('the compiled gateway and manufacturer subgraph', () => {
  const credential = randomBytes(48).toString('base64');
  let subgraph: Running | undefined;
  let gateway: Running | undefined;

  beforeAll(async () => {
    await Promise.all([build('gateway'), build('subgraphs/manufacturer')]);
    const databaseUrl = await createTestDatabase('compiled');
    subgraph = await startBuilt('subgraphs/manufacturer', { DATABASE_URL: databaseUrl, INTERNAL_CREDENTIAL: credential });
    // The subgraph's migrations have run: a product is put in its schema as an operator's import would.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`WITH maker AS (INSERT INTO manufacturer.manufacturer (name) VALUES ('Built Mills') RETURNING id)
        INSERT INTO manufacturer.product (manufacturer_id, sku, name, category, unit_price_cents) SELECT id, 'BM-1', 'Compiled flour', 'Baking', 250 FROM maker`);
    } finally {
      await client.end();
    }
    // Only the manufacturer runs: the query below is planned to it alone, the other URLs are never called.
    const nowhere = 'http://127.0.0.1:9/graphql';
    gateway = await startBuilt('gateway', { INTERNAL_CREDENTIAL: credential, MANUFACTURER_URL: subgraph.url, INVENTORY_URL: nowhere, ORDER_URL: nowhere, ACCOUNT_URL: nowhere });
  }, 120_000);

  afterAll(async () => {
    await stop(gateway);
    await stop(subgraph);
  });

  it('are plain JavaScript bundles, with the files they read beside them', () => {
    for (const file of ['gateway/dist/main.js', 'subgraphs/manufacturer/dist/main.js', 'subgraphs/manufacturer/dist/schema.graphql']) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
  });

  it('answer a query end to end: gateway, subgraph, Postgres', async () => {
    const { data, errors } = await graphqlClient({ url: gateway!.url })(`{ products(first: 5) { edges { node { sku name category manufacturer { name } } } } categories }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      products: { edges: [{ node: { sku: 'BM-1', name: 'Compiled flour', category: 'Baking', manufacturer: { name: 'Built Mills' } } }] },
      categories: ['Baking'],
    });
  });

  it('stop cleanly on SIGTERM', { timeout: 40_000 }, async () => {
    const [gatewayCode, subgraphCode] = await Promise.all([stop(gateway), stop(subgraph)]);
    expect(gatewayCode, gateway!.output()).toBe(0);
    expect(subgraphCode, subgraph!.output()).toBe(0);
  });
});
