/**
 * `npm run simulate -- --customers 50 --duration 60s --manufacturers-produce [--round-period 20s] [--url URL] [--self-contained]`:
 * traffic against a running gateway (default http://localhost:4000/graphql), or against a network
 * of its own on a fresh database (--self-contained). Prints progress, a summary and a consistency
 * check read back through the API; exits 1 when a check fails.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { TokenSigner } from '@distribution/auth';
import { developmentSigner } from './development-signer.js';
import { parseDuration } from '../client-examples/node/src/options.js';
import { runSimulation, type SimulationOptions, type SimulationReport } from './simulate-run.js';
import { startSelfContainedNetwork } from './simulate-network.js';

export const SIMULATE_USAGE = `Usage: npm run simulate -- [options]
  --customers N             virtual customers (default 20, at most 500)
  --duration 60s            how long customers keep ordering (default 30s, at most 10m)
  --manufacturers-produce   manufacturers keep producing while it runs
  --round-period 20s        the operator closes each round this long after it opens (default 20s; 0: leave rounds alone)
  --max-orders N            stop ordering after N orders (default 100000)
  --url URL                 the gateway (default http://localhost:4000/graphql; loopback only)
  --self-contained          start a network of its own on a fresh database (embedded Postgres, or DATABASE_URL's server)`;

export interface SimulateArguments {
  simulation: Omit<SimulationOptions, 'gatewayUrl' | 'signer' | 'progress'>;
  url: string;
  selfContained: boolean;
}

/** Turns command-line arguments into a run's settings; throws with a message for a person. */
export function parseSimulateArguments(args: string[]): SimulateArguments | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      customers: { type: 'string', default: '20' },
      duration: { type: 'string', default: '30s' },
      'manufacturers-produce': { type: 'boolean', default: false },
      'round-period': { type: 'string', default: '20s' },
      'max-orders': { type: 'string', default: '100000' },
      url: { type: 'string' },
      'self-contained': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const customers = Number(values.customers);
  if (!Number.isInteger(customers) || customers < 1 || customers > 500) throw new Error(`--customers must be a whole number from 1 to 500 (got ${values.customers})`);
  const durationMs = parseDuration(values.duration!);
  if (durationMs < 1000 || durationMs > 600_000) throw new Error(`--duration must be between 1s and 10m (got ${values.duration})`);
  const roundPeriodMs = parseDuration(values['round-period']!);
  const maxOrders = Number(values['max-orders']);
  if (!Number.isInteger(maxOrders) || maxOrders < 1) throw new Error(`--max-orders must be a positive whole number (got ${values['max-orders']})`);
  return {
    simulation: { customers, durationMs, manufacturersProduce: values['manufacturers-produce']!, roundPeriodMs: roundPeriodMs === 0 ? null : roundPeriodMs, maxOrders },
    url: values.url ?? process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql',
    selfContained: values['self-contained']!,
  };
}

/** Runs a simulation as the CLI does; tests call it with a Postgres server to create the fresh database on. */
export async function simulate(
  args: SimulateArguments,
  io: { say(text: string): void; progress?: SimulationOptions['progress']; serverUrl?: string; signal?: AbortSignal } = { say: console.log },
): Promise<SimulationReport> {
  let network: Awaited<ReturnType<typeof startSelfContainedNetwork>> | null = null;
  try {
    let gatewayUrl = args.url;
    let signer: TokenSigner;
    if (args.selfContained) {
      io.say('Starting a network of its own on a fresh database...');
      network = await startSelfContainedNetwork({ serverUrl: io.serverUrl ?? process.env.DATABASE_URL, log: io.say });
      gatewayUrl = network.gatewayUrl;
      signer = network.signToken;
    } else signer = await developmentSigner();
    io.say(`Simulating against ${gatewayUrl}`);
    const report = await runSimulation({ ...args.simulation, gatewayUrl, signer, progress: io.progress, signal: io.signal });
    io.say(`\n${report.text}`);
    io.say(report.ok ? '\nEvery check passed.' : '\nA CONSISTENCY CHECK FAILED (see above).');
    return report;
  } finally {
    await network?.stop();
  }
}

async function main(): Promise<void> {
  let args: SimulateArguments | 'help';
  try {
    args = parseSimulateArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${SIMULATE_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') {
    console.log(SIMULATE_USAGE);
    return;
  }
  // The first Ctrl-C ends the run early, still with its summary and checks (and a self-contained
  // network stopped properly); a second one quits at once.
  const stop = new AbortController();
  process.once('SIGINT', () => {
    console.log('\nStopping: finishing the requests in flight, then the summary (Ctrl-C again quits at once).');
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  try {
    const report = await simulate(args, { say: (t) => console.log(t), progress: process.stdout, signal: stop.signal });
    process.exitCode = report.ok ? 0 : 1;
  } catch (error) {
    const message = (error as Error).message;
    console.error(
      /fetch failed|ECONNREFUSED/.test(message + String((error as { cause?: unknown }).cause ?? ''))
        ? `Cannot reach the gateway at ${args.url}: start it with \`npm start\`, or run with --self-contained.`
        : message,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
