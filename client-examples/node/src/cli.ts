/** `npm run example -- browse | order | watch | manufacturer [--for 30s] [--url URL]`: runs one example client. */
import { parseArgs } from 'node:util';
import { DEFAULT_GATEWAY_URL } from './api.js';
import { browse } from './browse.js';
import { manufacturer } from './manufacturer.js';
import { parseDuration } from './options.js';
import { order } from './order.js';
import { watch } from './watch.js';

const USAGE = `Usage: npm run example -- <example> [options]

Examples:
  browse         the current round and every category's offers, per manufacturer
  order          register a customer, put an offer in the cart, order it, show the outcome
  watch          print availability, depletion and round events live (until Ctrl-C or --for)
  manufacturer   as a manufacturer: products, a production run, settlements

Options:
  --url URL            the gateway (default ${DEFAULT_GATEWAY_URL}; GATEWAY_URL also works)
  --for DURATION       watch: stop after e.g. 30s or 2m
  --category NAME      browse, order, watch: only this category
  --email E --password P   manufacturer: whose login (default: the demo login northwind@example.com)`;

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      for: { type: 'string' },
      category: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const example = positionals[0];
  if (values.help || !example) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const url = values.url ?? process.env.GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  switch (example) {
    case 'browse':
      await browse({ url, category: values.category });
      return;
    case 'order':
      await order({ url, category: values.category });
      return;
    case 'watch': {
      // Ctrl-C ends the watch (and prints what it saw) instead of killing the process.
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      await watch({ url, category: values.category, signal: stop.signal, durationMs: values.for ? parseDuration(values.for) : undefined });
      return;
    }
    case 'manufacturer':
      await manufacturer({ url, email: values.email, password: values.password });
      return;
    default:
      console.error(`Unknown example "${example}".\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const message = (error as Error).message;
  const unreachable = /fetch failed|ECONNREFUSED/.test(message + String((error as { cause?: unknown }).cause ?? ''));
  console.error(unreachable ? `Cannot reach the gateway (${message}). Is it running? \`npm start\` starts the whole network.` : message);
  process.exitCode = 1;
}
