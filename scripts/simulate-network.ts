/**
 * A network of its own for `npm run simulate -- --self-contained`: a fresh database (on the given
 * Postgres server, or on an embedded one that lives only as long as the run), the four subgraphs
 * and the gateway on free loopback ports, loaded with the sample data.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { TokenSigner } from '@distribution/auth';
import { startEmbeddedPostgres, withDatabaseName, type EmbeddedPostgresHandle } from '@distribution/db';
import { LOAD_TEST_LIMITS, startLocalNetwork } from './local-network.js';
import { seedSampleData } from './seed.js';

export interface SelfContainedNetwork {
  gatewayUrl: string;
  /** Mints tokens with the network's signing key (the operator's, the manufacturers'). */
  signToken: TokenSigner;
  stop(): Promise<void>;
}

export interface SelfContainedOptions {
  /** A Postgres server to create the fresh database on; unset: an embedded server of its own. */
  serverUrl?: string;
  /** ISO-8601 round period for inventory (rounds also close when the operator closes them). */
  roundPeriod?: string;
  /** Seconds a placeOrder waits for inventory before answering PENDING. */
  placeOrderWaitMs?: number;
  log?: (message: string) => void;
}

export async function startSelfContainedNetwork(options: SelfContainedOptions = {}): Promise<SelfContainedNetwork> {
  const log = options.log ?? (() => {});
  const id = randomBytes(4).toString('hex');
  let embedded: EmbeddedPostgresHandle | null = null;
  let serverUrl = options.serverUrl;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve('.data', `simulate-${id}`), port: 0, persistent: false });
    serverUrl = embedded.url;
    log(`embedded Postgres on port ${embedded.port}`);
  }
  const database = `simulate_${id}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${database}"`);
  const cleanUp = async () => {
    if (embedded) await embedded.stop();
    else await adminQuery(serverUrl!, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
  };
  try {
    const network = await startLocalNetwork({
      databaseUrl: withDatabaseName(serverUrl, database),
      roundPeriod: options.roundPeriod,
      placeOrderWaitMs: options.placeOrderWaitMs,
      eventPollIntervalMs: 200,
      logLevel: process.env.LOG_LEVEL ?? 'silent',
      // Every virtual customer registers from this machine's one address.
      ...LOAD_TEST_LIMITS,
    });
    log(`network up: ${network.gatewayUrl}`);
    await seedSampleData(network.gatewayUrl, network.signToken, log);
    let stopping: Promise<void> | null = null;
    return {
      gatewayUrl: network.gatewayUrl,
      signToken: network.signToken,
      stop: () => (stopping ??= network.stop().finally(cleanUp)),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
