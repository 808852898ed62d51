/**
 * `npm run bus -- status | retry <id> | discard <id> --reason "..."`: the event bus console from a
 * terminal, through the gateway as an operator (the same fields as the API's: inventoryBus,
 * retryParkedInventoryEvent, ...). Every retry and discard is audited under the token's subject.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { userInfo } from 'node:os';
import { Role } from '@distribution/auth';
import { createDevelopmentToken, developmentSigningKey } from './token.js';
import { formatTable } from '../client-examples/node/src/table.js';
import { operation } from '../client-examples/operations/index.js';

export const BUS_SERVICES = ['inventory', 'order', 'manufacturer'] as const;
export const BUS_USAGE = `Usage: npm run bus -- status [--parked 20]
       npm run bus -- retry <parked event id>
       npm run bus -- discard <parked event id> --reason "why it can go"
  --url     the gateway (default GATEWAY_URL or http://localhost:4000/graphql)
  --token   an operator's token (default OPERATOR_TOKEN; else one is signed with JWT_SECRET,
            or the development default, for --as)
  --as      who the signed token names, for the audit (default cli:<your user name>)
A parked event's id is service/consumer/eventId, as \`status\` prints it.`;

/** The command line is wrong; the message says how. */
export class BusArgumentError extends Error {}

type Graphql = (query: string, variables?: Record<string, unknown>) => Promise<any>;

function client(url: string, token: string): Graphql {
  return async (query, variables = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status} with a body that is not JSON` }] }))) as {
      data?: any;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length) throw new Error(`${body.errors[0]!.extensions?.code ?? 'ERROR'}: ${body.errors[0]!.message}`);
    return body.data;
  };
}

const word = (service: string) => service[0]!.toUpperCase() + service.slice(1);
const age = (seconds: number | null) => (seconds === null ? '' : seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`);

/** The service a parked event id belongs to (its first part). */
function serviceOf(id: string): (typeof BUS_SERVICES)[number] {
  const service = id.split('/')[0] as (typeof BUS_SERVICES)[number];
  if (!BUS_SERVICES.includes(service)) throw new BusArgumentError(`"${id}" is not a parked event id: it starts with the service (${BUS_SERVICES.join(', ')})`);
  return service;
}

/** Runs one console command; returns what to print. */
export async function busCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(args);
  } catch (error) {
    throw new BusArgumentError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, id] = positionals;
  if (values.help || !command) return BUS_USAGE;
  const url = values.url ?? env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
  const token =
    values.token ??
    env.OPERATOR_TOKEN ??
    (await createDevelopmentToken({ identity: { sub: values.as ?? `cli:${userInfo().username}`, role: Role.Operator }, expiresIn: '1h' }, await developmentSigningKey(env)));
  const graphql = client(url, token);

  switch (command) {
    case 'status': {
      const parked = Number(values.parked ?? 20);
      if (!Number.isInteger(parked) || parked < 1 || parked > 100) throw new BusArgumentError('--parked must be a whole number from 1 to 100');
      const data = await graphql(operation('BusStatus'), { parked });
      const buses = BUS_SERVICES.map((s) => data[`${s}Bus`]);
      const consumers = buses.flatMap((b) =>
        b.consumers.map((c: any) => ({
          service: b.service,
          consumer: c.consumer,
          backlog: c.backlog,
          'oldest waiting': age(c.oldestUnappliedAgeSeconds),
          parked: c.parked,
        })),
      );
      const events = buses.flatMap((b) =>
        b.parkedEvents.edges.map(({ node: p }: any) => ({
          id: p.id,
          type: `${p.eventType} v${p.version ?? '?'}`,
          attempts: p.attempts,
          parked: p.parkedAt,
          error: p.error.replace(/\s+/g, ' ').slice(0, 100),
        })),
      );
      return `${formatTable(consumers)}\n\nParked events:\n${formatTable(events)}`;
    }
    case 'retry': {
      if (!id) throw new BusArgumentError('retry needs the id of a parked event');
      const service = serviceOf(id);
      const field = `retryParked${word(service)}Event`;
      const result = (await graphql(`mutation($id: ID!) { ${field}(id: $id) { id outcome error } }`, { id }))[field];
      return result.outcome === 'APPLIED' ? `${id}: applied` : `${id}: refused again, still parked: ${result.error}`;
    }
    case 'discard': {
      if (!id) throw new BusArgumentError('discard needs the id of a parked event');
      if (!values.reason?.trim()) throw new BusArgumentError('discard needs --reason "why it can go" (it is kept in the audit)');
      const service = serviceOf(id);
      const field = `discardParked${word(service)}Event`;
      await graphql(`mutation($id: ID!, $reason: String!) { ${field}(id: $id, reason: $reason) { id outcome } }`, { id, reason: values.reason });
      return `${id}: discarded`;
    }
    default:
      throw new BusArgumentError(`unknown command "${command}"`);
  }
}

function parseArguments(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      as: { type: 'string' },
      reason: { type: 'string' },
      parked: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<void> {
  try {
    console.log(await busCommand(process.argv.slice(2)));
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof BusArgumentError) {
      console.error(`${message}\n\n${BUS_USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(
      /fetch failed|ECONNREFUSED/.test(message + String((error as { cause?: unknown }).cause ?? '')) ? 'Cannot reach the gateway: is it running (`npm start`)?' : message,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
