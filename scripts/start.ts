/**
 * `npm start`: the whole network on this machine. Uses DATABASE_URL when set, otherwise an
 * embedded Postgres kept in .data/postgres. Loads sample data on first start. Ctrl-C stops all.
 * `npm start -- --demo-rounds` (or DEMO_ROUNDS=true): short rounds that open by themselves.
 */
import path from 'node:path';
import { locateDatabase, EMBEDDED_DATA_DIR, type DatabaseLocation } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { DEVELOPMENT_DEFAULTS, env as kinds, loadConfig } from '@distribution/config';
import { stopOnSignals } from '@distribution/server';
import { startTracing } from '@distribution/tracing';
import { loadSigningKeys } from '@distribution/account';
import { startLocalNetwork } from './local-network.js';
import { DEMO_OPERATOR } from './sample-data.js';
import { demoLogins, seedSampleData } from './seed.js';
import { roundSettings } from './round-settings.js';

const launchedAt = performance.now();
const log = createLogger('start', process.env.LOG_LEVEL ?? 'warn');
const say = (message: string) => process.stdout.write(`${message}\n`);

const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const milliseconds = (name: string) => (env[name] ? Number(env[name]) : undefined);
const rounds = roundSettings(process.argv.slice(2), env);

// Every service runs in this process: one tracer provider, each service's spans under its own tracer name.
// Off unless OTEL_TRACES_EXPORTER names an exporter (README, Operations).
const tracing = startTracing(env.OTEL_SERVICE_NAME ?? 'distribution-network');
let database: DatabaseLocation | null = null;
let network: Awaited<ReturnType<typeof startLocalNetwork>> | null = null;
// The services, then the database. Ctrl-C does not reach the embedded Postgres (it runs in a process
// group of its own), so it serves the services while they drain; should this process end some other
// way (a crash included), @distribution/db stops it on the way out.
const stopAll = async () => {
  try {
    await network?.stop();
    await tracing?.stop();
  } finally {
    await database?.embedded?.stop();
  }
};
stopOnSignals(
  async () => {
    say('\nStopping...');
    await stopAll();
  },
  { logger: log },
);

try {
  database = await locateDatabase(env, (m) => log.debug(m), say);
  say(
    database.embedded
      ? `Postgres: embedded server on port ${database.embedded.port} (data in ${EMBEDDED_DATA_DIR.startsWith(process.cwd()) ? path.relative(process.cwd(), EMBEDDED_DATA_DIR) : EMBEDDED_DATA_DIR})`
      : 'Postgres: DATABASE_URL',
  );
  // A free metrics port unless told: a laptop may already run something on 9464.
  const settings = loadConfig({ METRICS_PORT: kinds.portOrOff(0), CORS_ORIGINS: kinds.origins() }, env);
  // The operator of OPERATOR_EMAIL / OPERATOR_PASSWORD, or the demo operator, on the first start only.
  const firstOperator = env.OPERATOR_EMAIL && env.OPERATOR_PASSWORD ? { email: env.OPERATOR_EMAIL, password: env.OPERATOR_PASSWORD } : DEMO_OPERATOR;
  network = await startLocalNetwork({
    databaseUrl: database.url,
    ports: {
      gateway: port('GATEWAY_PORT', 4000),
      manufacturer: port('MANUFACTURER_PORT', 4001),
      inventory: port('INVENTORY_PORT', 4002),
      order: port('ORDER_PORT', 4003),
      account: port('ACCOUNT_PORT', 4004),
    },
    // The development key file (.data/signing-keys.json), which `npm run token` signs with too.
    signingKeys: await loadSigningKeys({ keysJson: env.ACCOUNT_SIGNING_KEYS }),
    accessTokenSeconds: env.ACCESS_TOKEN_TTL_SECONDS ? Number(env.ACCESS_TOKEN_TTL_SECONDS) : undefined,
    firstOperator,
    internalCredential: env.INTERNAL_CREDENTIAL ?? DEVELOPMENT_DEFAULTS.internalCredential,
    roundPeriod: rounds.roundPeriod,
    roundSchedule: rounds.roundSchedule,
    subgraphTimeoutMs: milliseconds('SUBGRAPH_TIMEOUT_MS'),
    orderResolutionTimeoutMs: milliseconds('ORDER_RESOLUTION_TIMEOUT_MS'),
    databaseTimeouts: {
      statementMs: milliseconds('DATABASE_STATEMENT_TIMEOUT_MS'),
      idleInTransactionMs: milliseconds('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'),
      connectMs: milliseconds('DATABASE_CONNECT_TIMEOUT_MS'),
    },
    logLevel: env.LOG_LEVEL ?? 'warn',
    metricsPort: settings.METRICS_PORT,
    corsOrigins: settings.CORS_ORIGINS,
  });
  const firstAnswer = await fetch(network.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ products(first: 1) { edges { node { id } } } }' }),
  });
  if (!firstAnswer.ok) throw new Error(`the gateway answered ${firstAnswer.status} to the first query`);
  const readyMs = Math.round(performance.now() - launchedAt);
  if (env.SEED !== 'false') {
    await seedSampleData(network.gatewayUrl, network.signToken, say);
    say(demoLogins());
    if (firstOperator === DEMO_OPERATOR) say(`  operator      ${DEMO_OPERATOR.email} (made on the first start; OPERATOR_EMAIL / OPERATOR_PASSWORD choose another)`);
  }
  say('');
  say(`Gateway (GraphQL, Apollo Sandbox):  ${network.gatewayUrl}`);
  say(`Subscriptions (graphql-ws):         ${network.gatewayUrl.replace('http', 'ws')}`);
  if (network.metricsUrl) say(`Metrics (Prometheus, not public):   ${network.metricsUrl}`);
  for (const [name, service] of Object.entries(network.services)) say(`  ${name.padEnd(13)} subgraph:       ${service.url}`);
  say(rounds.description);
  say(`First query answered ${readyMs} ms after launch. Ctrl-C stops everything.`);
  say('Sign in: mutation { signIn(input: { email: "ada@example.com", password: "distribution demo" }) { accessToken refreshToken } }');
} catch (error) {
  // One line for the person at the terminal; the details (stack, Postgres's log) with LOG_LEVEL=debug.
  log.debug({ err: error }, 'start failed');
  say(`Start failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  await stopAll().catch(() => {});
  process.exit(1);
}
