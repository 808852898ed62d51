/**
 * After a simulation: the books, read back through the API as an operator, must agree with each
 * other. Nothing here reads a database: a client sees exactly what it checks.
 */
import { sleep } from '../client-examples/node/src/options.js';
import { allNodes, type Call } from './simulate-client.js';

export interface Check {
  name: string;
  ok: boolean;
  /** What was compared, or what disagreed. */
  detail: string;
}

export interface RoundSummary {
  number: number;
  status: string;
  closeReason: string | null;
  unitsSold: number;
  revenue: string;
}

export interface Readback {
  checks: Check[];
  /** Orders by status as the API lists them at the end. */
  ordersByStatus: Record<string, number>;
  rounds: RoundSummary[];
  /** Units reserved now, in the open round (if any). */
  reservedNow: number;
}

interface ProductState {
  id: string;
  name: string;
  supply: number;
  stock: { available: number; status: string } & { onHand?: number; reserved?: number };
}
interface RoundNode {
  number: number;
  status: string;
  closeReason: string | null;
  sales: Array<{ product: { id: string }; unitsSold: number; revenue: string }>;
}

/** Runs every check; `quietForMs` bounds the wait for in-flight orders and settlements to land. */
export async function readBack(operator: Call, options: { quietForMs?: number } = {}): Promise<Readback> {
  const deadline = Date.now() + (options.quietForMs ?? 20_000);
  const checks: Check[] = [];

  // 1 and 4 compare live figures across services: wait until nothing is in flight, then compare.
  let reservedCheck: Check;
  for (;;) {
    reservedCheck = await confirmedLinesAreReserved(operator);
    if (reservedCheck.ok || Date.now() > deadline) break;
    await sleep(500);
  }

  const products = await stockOfEveryProduct(operator);
  const oversold = products.filter((p) => p.stock.reserved! < 0 || p.stock.reserved! > p.stock.onHand! || p.stock.available < 0);
  checks.push({
    name: 'no stock row oversold (0 <= reserved <= onHand)',
    ok: oversold.length === 0,
    detail: oversold.length ? oversold.map((p) => `${p.name}: ${p.stock.reserved} reserved of ${p.stock.onHand}`).join('; ') : `${products.length} products`,
  });

  const rounds = await allNodes<RoundNode>(operator, 'Rounds', {}, (d) => d.rounds);
  const settled = await settledUnitsPerRoundAndProduct(operator);
  const soldEver = new Map<string, number>();
  for (const r of rounds) for (const s of r.sales) soldEver.set(s.product.id, (soldEver.get(s.product.id) ?? 0) + s.unitsSold);
  const settledEver = new Map<string, number>();
  for (const perProduct of settled.values()) for (const [id, units] of perProduct) settledEver.set(id, (settledEver.get(id) ?? 0) + units);
  // Supply is what a manufacturer can still sell; settled sales were taken off it. So everything
  // ever supplied is supply + settled, and everything ever sold is round sales + what is reserved now.
  const overSupplied = products.filter((p) => (soldEver.get(p.id) ?? 0) + p.stock.reserved! > p.supply + (settledEver.get(p.id) ?? 0));
  checks.push({
    name: 'units sold never exceed units supplied, per product',
    ok: overSupplied.length === 0,
    detail: overSupplied.length
      ? overSupplied.map((p) => `${p.name}: sold ${(soldEver.get(p.id) ?? 0) + p.stock.reserved!}, supplied ${p.supply + (settledEver.get(p.id) ?? 0)}`).join('; ')
      : `${[...soldEver.values()].reduce((a, b) => a + b, 0)} units sold in ${rounds.filter((r) => r.status !== 'OPEN').length} closed rounds`,
  });

  const mismatched: string[] = [];
  for (const r of rounds.filter((x) => x.status === 'SETTLED')) {
    const booked = settled.get(r.number) ?? new Map<string, number>();
    const sold = new Map(r.sales.map((s) => [s.product.id, s.unitsSold]));
    for (const id of new Set([...booked.keys(), ...sold.keys()])) {
      if ((booked.get(id) ?? 0) !== (sold.get(id) ?? 0))
        mismatched.push(`round ${r.number}, product ${id}: inventory sold ${sold.get(id) ?? 0}, manufacturer booked ${booked.get(id) ?? 0}`);
    }
  }
  checks.push({
    name: 'each settled round is booked by its manufacturers exactly as sold',
    ok: mismatched.length === 0,
    detail: mismatched.length ? mismatched.join('; ') : `${rounds.filter((r) => r.status === 'SETTLED').length} settled rounds`,
  });
  checks.push(reservedCheck);

  const orders = await allNodes<{ status: string }>(operator, 'Orders', {}, (d) => d.orders);
  const ordersByStatus: Record<string, number> = {};
  for (const o of orders) ordersByStatus[o.status] = (ordersByStatus[o.status] ?? 0) + 1;
  return {
    checks,
    ordersByStatus,
    reservedNow: products.reduce((n, p) => n + p.stock.reserved!, 0),
    rounds: rounds.map((r) => ({
      number: r.number,
      status: r.status,
      closeReason: r.closeReason,
      unitsSold: r.sales.reduce((n, s) => n + s.unitsSold, 0),
      revenue: (r.sales.reduce((n, s) => n + Math.round(Number(s.revenue) * 100), 0) / 100).toFixed(2),
    })),
  };
}

async function stockOfEveryProduct(operator: Call): Promise<ProductState[]> {
  const products = await allNodes<ProductState>(operator, 'Products', { filter: { includeDiscontinued: true } }, (d) => d.products);
  // Products.graphql reads available and status; the full stock row comes from Product.
  return Promise.all(products.map(async (p) => ({ ...p, stock: (await operator('Product', { id: p.id })).product.stock })));
}

/** round number -> product id -> units the manufacturers booked in their settlements. */
async function settledUnitsPerRoundAndProduct(operator: Call): Promise<Map<number, Map<string, number>>> {
  const makers = await allNodes<{ id: string }>(operator, 'Manufacturers', {}, (d) => d.manufacturers);
  const result = new Map<number, Map<string, number>>();
  for (const m of makers) {
    const settlements = await allNodes<{ roundNumber: number; lines: Array<{ product: { id: string }; unitsSold: number }> }>(
      operator,
      'Settlements',
      { manufacturerId: m.id },
      (d) => d.manufacturer.settlements,
    );
    for (const s of settlements) {
      const perProduct = result.get(s.roundNumber) ?? new Map<string, number>();
      for (const l of s.lines) perProduct.set(l.product.id, (perProduct.get(l.product.id) ?? 0) + l.unitsSold);
      result.set(s.roundNumber, perProduct);
    }
  }
  return result;
}

/** Units in CONFIRMED orders (order subgraph) equal units reserved (inventory), product by product. */
async function confirmedLinesAreReserved(operator: Call): Promise<Check> {
  const name = 'every confirmed order line is reserved (sum of reserved = sum of confirmed lines)';
  const pending = await allNodes<{ id: string }>(operator, 'Orders', { status: 'PENDING' }, (d) => d.orders);
  const confirmed = await allNodes<{ roundNumber: number | null; lines: Array<{ product: { id: string }; quantity: number }> }>(
    operator,
    'Orders',
    { status: 'CONFIRMED' },
    (d) => d.orders,
  );
  const products = await stockOfEveryProduct(operator);
  const current = (await operator('CurrentRound')).currentRound as { number: number; status: string } | null;
  if (pending.length > 0) return { name, ok: false, detail: `${pending.length} orders still PENDING` };
  // Between a round's close and its settlement its orders stay CONFIRMED while their units are sold, not reserved.
  const openRound = current?.status === 'OPEN' ? current.number : null;
  const stale = confirmed.filter((o) => o.roundNumber !== openRound).length;
  if (stale > 0) return { name, ok: false, detail: `${stale} confirmed orders of a closed round are not settled yet` };
  const lines = new Map<string, number>();
  for (const o of confirmed) for (const l of o.lines) lines.set(l.product.id, (lines.get(l.product.id) ?? 0) + l.quantity);
  const differ = products.filter((p) => (lines.get(p.id) ?? 0) !== p.stock.reserved);
  const total = (m: Iterable<number>) => [...m].reduce((a, b) => a + b, 0);
  return {
    name,
    ok: differ.length === 0,
    detail: differ.length
      ? differ.map((p) => `${p.name}: ${lines.get(p.id) ?? 0} in confirmed lines, ${p.stock.reserved} reserved`).join('; ')
      : `${total(lines.values())} units in ${confirmed.length} confirmed orders = ${total(products.map((p) => p.stock.reserved!))} reserved`,
  };
}
