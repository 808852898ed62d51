/**
 * `npm run example -- manufacturer [--email E --password P]`: signs in as a manufacturer (by default
 * the sample data's first demo login), shows its products, records a production run and shows what
 * it has been paid for, round by round; then signs out.
 */
import { createApi } from './api.js';
import { signIn } from './session.js';
import type { ExampleOptions } from './options.js';
import { formatTable } from './table.js';

export interface ManufacturerExampleResult {
  manufacturerId: string;
  produced: { productId: string; quantity: number; supplyBefore: number; supplyAfter: number } | null;
  settlements: number;
}

/** The sample data's first manufacturer login (`npm start` prints them all). */
export const DEMO_MANUFACTURER_LOGIN = { email: 'northwind@example.com', password: 'distribution demo' };

export async function manufacturer(options: ExampleOptions & { email?: string; password?: string; quantity?: number }): Promise<ManufacturerExampleResult> {
  const print = options.print ?? console.log;
  const email = options.email ?? DEMO_MANUFACTURER_LOGIN.email;
  const { session, role, subject } = await signIn(options.url, email, options.password ?? DEMO_MANUFACTURER_LOGIN.password);
  if (role !== 'MANUFACTURER') {
    await session.signOut();
    throw new Error(`${email} is not a manufacturer's login`);
  }
  print(`Signed in as ${email}.`);
  // A manufacturer's token has its id as subject.
  const id = subject;
  const api = createApi({ url: options.url, session });
  try {
    const mine = (await api.query('MyProducts', { manufacturerId: id })).manufacturer;
    if (!mine) throw new Error(`No manufacturer ${id}`);
    const products = mine.products.edges.map((e) => e.node);
    print(`${mine.name} (${id})\n`);
    print(
      formatTable(
        products.map((p) => ({
          sku: p.sku,
          product: p.name,
          price: p.unitPrice,
          supply: p.supply,
          'on hand': p.stock.onHand,
          reserved: p.stock.reserved,
          available: p.stock.available,
          status: p.stock.status,
        })),
      ),
    );

    let produced: ManufacturerExampleResult['produced'] = null;
    const target = products[0];
    if (target) {
      const quantity = options.quantity ?? 10;
      const after = (await api.mutate('Produce', { productId: target.id, quantity })).produce;
      produced = { productId: target.id, quantity, supplyBefore: target.supply, supplyAfter: after.supply };
      print(`\nProduced ${quantity} × ${after.name}: supply ${target.supply} -> ${after.supply} (the distributor's open round takes it in).`);
    }

    const settlements = (await api.query('Settlements', { manufacturerId: id, first: 10 })).manufacturer?.settlements.edges.map((e) => e.node) ?? [];
    print('\nSettlements');
    print(formatTable(settlements.map((s) => ({ round: s.roundNumber, 'units sold': s.unitsSold, revenue: s.revenue, booked: s.appliedAt }))));
    for (const s of settlements.slice(0, 3)) {
      print(`\nRound ${s.roundNumber}`);
      print(formatTable(s.lines.map((l) => ({ product: l.product.name, 'units sold': l.unitsSold, revenue: l.revenue }))));
    }
    return { manufacturerId: id, produced, settlements: settlements.length };
  } finally {
    // Signing out ends the session: its refresh token is good for nothing from now on.
    await session.signOut().catch(() => undefined);
    await api.close();
  }
}
