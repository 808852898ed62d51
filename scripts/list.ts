/**
 * `npm run list -- manufacturers | products | customers | orders [--url URL]`: prints what the
 * network holds as a table. customers and orders are read as an operator (a development token
 * signed with the development key, as `npm run token` signs).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Role, type TokenSigner } from '@distribution/auth';
import { developmentSigner } from './development-signer.js';
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
export async function list(kind: ListKind, url: string, signer?: TokenSigner): Promise<Listing> {
  const anonymous = caller(url);
  const operator = caller(url, await (signer ?? (await developmentSigner()))({ sub: 'list-operator', role: Role.Operator }));
  switch (kind) {
    case 'manufacturers':
      return { rows: (await allNodes<any>(anonymous, 'Manufacturers', {}, (d) => d.manufacturers)).map((m) => ({ id: m.id, name: m.name, products: m.products.edges.length })) };
    case 'products':
      return {
        rows: (await allNodes<any>(anonymous, 'Products', {}, (d) => d.products)).map((p) => ({
          sku: p.sku,
          name: p.name,
          category: p.category,
          manufacturer: p.manufacturer.name,
          price: p.unitPrice,
          supply: p.supply,
          available: p.stock.available,
          status: p.stock.status,
          id: p.id,
        })),
      };
    case 'orders':
      return {
        rows: (await allNodes<any>(operator, 'Orders', {}, (d) => d.orders)).map((o) => ({
          id: o.id,
          customer: o.customer.name,
          status: o.status,
          total: o.total,
          units: o.lines.reduce((n: number, l: any) => n + l.quantity, 0),
          round: o.roundNumber,
          placed: o.placedAt,
        })),
      };
    case 'customers':
      return {
        rows: (await allNodes<any>(operator, 'Customers', {}, (d) => d.customers)).map((c) => ({
          id: c.id,
          name: c.name,
          email: c.email,
          orders: c.orderCount,
          registered: c.registeredAt,
        })),
      };
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
    console.error(
      /fetch failed|ECONNREFUSED/.test(message + String((error as { cause?: unknown }).cause ?? ''))
        ? `Cannot reach the gateway at ${url}: is it running (\`npm start\`)?`
        : message,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
