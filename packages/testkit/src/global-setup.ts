/**
 * Vitest global setup: one real Postgres for the whole run. TEST_DATABASE_URL (or DATABASE_URL)
 * when given, otherwise an embedded server that lives only as long as the run.
 */
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@distribution/db';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

let embedded: EmbeddedPostgresHandle | null = null;
let serverUrl = '';
const runId = randomBytes(3).toString('hex');

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    testRunId: string;
  }
}

export async function setup(project: TestProject) {
  serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '';
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve('.data', `test-postgres-${runId}`), port: 0, persistent: false });
    serverUrl = embedded.url;
  }
  project.provide('postgresUrl', serverUrl);
  project.provide('testRunId', runId);
}

export async function teardown() {
  if (embedded) {
    await embedded.stop();
    return;
  }
  // A shared server: drop only the databases this run created.
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`t_${runId}_%`]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
  await client.end();
}
