/**
 * `npm run probe -- <gateway url> [--customer-token T] [--manufacturer-token T] [--operator-token T]
 * [--subgraph name=url ...]`: runs the security attacks against any deployment and prints a table
 * (attack, expected, observed, verdict). Exits 1 when any attack was not refused as it must be.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatTable } from '../client-examples/node/src/table.js';
import type { ProbeTarget } from './probe/attack.js';
import { loadAttacks, runAttacks, verdict, type ProbeRow } from './probe/run-attacks.js';

export const PROBE_USAGE = `Usage: npm run probe -- <gateway GraphQL URL> [options]
  --customer-token T      a customer's access token (attacks that act as a customer)
  --manufacturer-token T  a manufacturer's access token
  --operator-token T      an operator's access token
  --subgraph name=URL     a subgraph reachable from here (repeatable), for attacks on subgraphs
Tokens may also come from PROBE_CUSTOMER_TOKEN, PROBE_MANUFACTURER_TOKEN, PROBE_OPERATOR_TOKEN.`;

/** Turns the command line into a probe target, or throws naming what is wrong. */
export function parseProbeArguments(args: string[], environment: NodeJS.ProcessEnv = process.env): ProbeTarget {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'customer-token': { type: 'string' },
      'manufacturer-token': { type: 'string' },
      'operator-token': { type: 'string' },
      subgraph: { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1) throw new Error('Give exactly one gateway URL');
  const httpUrl = new URL(positionals[0]!);
  if (httpUrl.protocol !== 'http:' && httpUrl.protocol !== 'https:') throw new Error('The gateway URL must be http:// or https://');
  const wsUrl = new URL(httpUrl);
  wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const subgraphUrls: Record<string, string> = {};
  for (const entry of values.subgraph ?? []) {
    const [name, url] = entry.split(/=(.*)/s);
    if (!name || !url) throw new Error(`--subgraph takes name=URL, not ${entry}`);
    subgraphUrls[name] = new URL(url).href;
  }
  return {
    httpUrl: httpUrl.href,
    wsUrl: wsUrl.href,
    tokens: {
      customer: values['customer-token'] ?? environment.PROBE_CUSTOMER_TOKEN,
      manufacturer: values['manufacturer-token'] ?? environment.PROBE_MANUFACTURER_TOKEN,
      operator: values['operator-token'] ?? environment.PROBE_OPERATOR_TOKEN,
    },
    subgraphUrls: Object.keys(subgraphUrls).length ? subgraphUrls : undefined,
  };
}

/** The table a person reads. */
export function probeTable(rows: ProbeRow[]): string {
  return formatTable(rows.map((r) => ({ area: r.area, attack: r.name, expected: r.expected, observed: r.observed, verdict: verdict(r) })));
}

async function main(): Promise<void> {
  let target: ProbeTarget;
  try {
    target = parseProbeArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${PROBE_USAGE}\n`);
    process.exit(2);
  }
  const rows = await runAttacks(target, await loadAttacks());
  process.stdout.write(`${probeTable(rows)}\n`);
  const unsafe = rows.filter((r) => verdict(r) === 'UNSAFE').length;
  const skipped = rows.filter((r) => r.skipped).length;
  process.stdout.write(`\n${rows.length} attacks: ${rows.length - unsafe - skipped} refused as they must be, ${unsafe} not, ${skipped} skipped\n`);
  process.exit(unsafe > 0 ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    process.stderr.write(`probe failed: ${(error as Error).message}\n`);
    process.exit(2);
  });
}
