/**
 * `npm run example -- manufacturer [--manufacturer ID]`: signs in as a manufacturer (a development
 * token signed with JWT_SECRET or the development default), shows its products, records a production
 * run and shows what it has been paid for, round by round.
 */
import { signToken, Role } from '@distribution/auth';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { createApi } from './api.js';
import type { ExampleOptions } from './options.js';
import { formatTable } from './table.js';

export interface ManufacturerExampleResult {
  manufacturerId: string;
  produced: { productId: string; quantity: number; supplyBefore: number; supplyAfter: number } | null;
  settlements: number;
}

export async function manufacturer(options: ExampleOptions & { manufacturerId?: string; jwtSecret?: string; quantity?: number }): Promise<ManufacturerExampleResult> {
  const print = options.print ?? console.log;
  const anonymous = createApi({ url: options.url });
  let id = options.manufacturerId;
  try {
    if (!id) {
      const first = (await anonymous.query('Manufacturers', { first: 1 })).manufacturers.edges[0]?.node;
      if (!first) throw new Error('There is no manufacturer yet: `npm run seed` loads sample data.');
      id = first.id as string;
    }
  } finally {
    await anonymous.close();
  }
  // A manufacturer's token has its id as subject; in production an identity provider issues it.
  const token = await signToken({ sub: id, role: Role.Manufacturer }, options.jwtSecret ?? process.env.JWT_SECRET ?? DEVELOPMENT_DEFAULTS.jwtSecret);
  const api = createApi({ url: options.url, token });
  try {
    const mine = (await api.query('MyProducts', { manufacturerId: id })).manufacturer;
    if (!mine) throw new Error(`No manufacturer ${id}`);
    const products: any[] = mine.products.edges.map((e: any) => e.node);
    print(`${mine.name} (${id})\n`);
    print(formatTable(products.map((p) => ({ sku: p.sku, product: p.name, price: p.unitPrice, supply: p.supply, 'on hand': p.stock.onHand, reserved: p.stock.reserved, available: p.stock.available, status: p.stock.status }))));

    let produced: ManufacturerExampleResult['produced'] = null;
    const target = products[0];
    if (target) {
      const quantity = options.quantity ?? 10;
      const after = (await api.mutate('Produce', { productId: target.id, quantity })).produce;
      produced = { productId: target.id, quantity, supplyBefore: target.supply, supplyAfter: after.supply };
      print(`\nProduced ${quantity} × ${after.name}: supply ${target.supply} -> ${after.supply} (the distributor's open round takes it in).`);
    }

    const settlements: any[] = (await api.query('Settlements', { manufacturerId: id, first: 10 })).manufacturer.settlements.edges.map((e: any) => e.node);
    print('\nSettlements');
    print(formatTable(settlements.map((s) => ({ round: s.roundNumber, 'units sold': s.unitsSold, revenue: s.revenue, booked: s.appliedAt }))));
    for (const s of settlements.slice(0, 3)) {
      print(`\nRound ${s.roundNumber}`);
      print(formatTable(s.lines.map((l: any) => ({ product: l.product.name, 'units sold': l.unitsSold, revenue: l.revenue }))));
    }
    return { manufacturerId: id, produced, settlements: settlements.length };
  } finally {
    await api.close();
  }
}
