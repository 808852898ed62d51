/**
 * `npm run list -- manufacturers | products | customers | orders [--url URL]`: prints what the
 * network holds as a table. customers and orders are read as an operator (a development token
 * signed with JWT_SECRET or the development default).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { signToken, Role } from '@distribution/auth';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { formatTable, type Row } from '../client-examples/node/src/table.js';
import { allNodes, caller } from './simulate-client.js';

export const LISTS = ['manufacturers', 'products', 'customers', 'orders'] as const;
export type ListKind = (typeof LISTS)[number];

export interface Listing {
  rows: Row[];
  /** Said under the table, when the list has a caveat. */
  note?: string;
}

/** Reads one list through the gateway at `url`. */
export async function list(kind: ListKind, url: string, jwtSecret = process.env.JWT_SECRET ?? DEVELOPMENT_DEFAULTS.jwtSecret): Promise<Listing> {
  const anonymous = caller(url);
  const operator = caller(url, await signToken({ sub: 'list-operator', role: Role.Operator }, jwtSecret));
  switch (kind) {
    case 'manufacturers':
      return { rows: (await allNodes<any>(anonymous, 'Manufacturers', {}, (d) => d.manufacturers)).map((m) => ({ id: m.id, name: m.name, products: m.products.edges.length })) };
    case 'products':
      return {
        rows: (await allNodes<any>(anonymous, 'Products', {}, (d) => d.products)).map((p) => ({
          sku: p.sku, name: p.name, category: p.category, manufacturer: p.manufacturer.name, price: p.unitPrice, supply: p.supply, available: p.stock.available, status: p.stock.status, id: p.id,
        })),
      };
    case 'orders':
      return {
        rows: (await allNodes<any>(operator, 'Orders', {}, (d) => d.orders)).map((o) => ({
          id: o.id, customer: o.customer.name, status: o.status, total: o.total, units: o.lines.reduce((n: number, l: any) => n + l.quantity, 0), round: o.roundNumber, placed: o.placedAt,
        })),
      };
    case 'customers': {
      // The API has no list of customers: those who ordered are known from the operator's orders.
      const byId = new Map<string, Row & { orders: number }>();
      for (const o of await allNodes<any>(operator, 'Orders', {}, (d) => d.orders)) {
        const row = byId.get(o.customer.id) ?? { id: o.customer.id, name: o.customer.name, email: o.customer.email, orders: 0 };
        row.orders += 1;
        byId.set(o.customer.id, row);
      }
      return { rows: [...byId.values()], note: 'Customers who have placed an order (the API has no list of all customers).' };
    }
  }
}

async function main(): Promise<void> {
  const usage = `Usage: npm run list -- ${LISTS.join(' | ')} [--url http://localhost:4000/graphql]`;
  let values: { url?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ allowPositionals: true, options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const kind = positionals[0] as ListKind;
  if (values.help || !LISTS.includes(kind)) {
    console.log(usage);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const url = values.url ?? process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
  try {
    const { rows, note } = await list(kind, url);
    console.log(formatTable(rows));
    console.log(`\n${rows.length} ${kind}${note ? `. ${note}` : ''}`);
  } catch (error) {
    const message = (error as Error).message;
    console.error(/fetch failed|ECONNREFUSED/.test(message + String((error as { cause?: unknown }).cause ?? '')) ? `Cannot reach the gateway at ${url}: is it running (\`npm start\`)?` : message);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
