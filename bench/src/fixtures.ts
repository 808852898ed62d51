/**
 * The bench's business data, loaded through our gateway as an operator and customers would:
 * manufacturers with many products (page sizes up to 100), a hot product and a live product with
 * deep stock, customers with tokens, an open round, and orders for the deep query to read.
 */
import { randomUUID } from 'node:crypto';
import { Role } from '@distribution/auth';
import { benchToken } from './signing.js';
import { bearer, inFlight, must, until } from './graphql.js';

export interface Fixture {
  operatorToken: string;
  manufacturerIds: string[];
  /** Products with ample stock, for orders spread over many rows. */
  spreadProductIds: string[];
  /** One product every order of the hot scenario asks for. */
  hotProductId: string;
  /** The product the live scenario's driver orders (its own, so its events are its own). */
  liveProductId: string;
  customers: Array<{ id: string; token: string }>;
  roundNumber: number;
  ordersPlaced: number;
}

export interface FixtureSize {
  manufacturers: number;
  productsPerManufacturer: number;
  customers: number;
  orders: number;
  /** Units of supply of each spread product, and of the hot and live products. */
  spreadSupply: number;
  hotSupply: number;
}

export const operatorToken = () => benchToken({ sub: 'bench-operator', role: Role.Operator });

export async function loadFixture(gatewayUrl: string, size: FixtureSize, log: (m: string) => void = () => {}): Promise<Fixture> {
  const t0 = Date.now();
  const step = (what: string) => log(`fixture: ${what} at ${Date.now() - t0} ms`);
  const token = await operatorToken();
  const op = bearer(token);
  const run = randomUUID().slice(0, 6);
  const categories = ['coffee', 'flour', 'oats', 'milk', 'butter', 'tea'];

  const manufacturerIds = await inFlight(
    4,
    Array.from(
      { length: size.manufacturers },
      (_, i) => async () =>
        (
          await must<{ registerManufacturer: { id: string } }>(
            'registerManufacturer',
            gatewayUrl,
            'mutation($n: String!) { registerManufacturer(input: { name: $n }) { id } }',
            { n: `Bench maker ${run}-${i + 1}` },
            op,
          )
        ).registerManufacturer.id,
    ),
  );

  const create = (manufacturerId: string, sku: string, category: string, supply: number) => async () =>
    (
      await must<{ createProduct: { id: string } }>(
        'createProduct',
        gatewayUrl,
        'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
        { i: { manufacturerId, sku, name: `Bench ${category} ${sku}`, category, unitPrice: `${(1 + (sku.length % 9)).toFixed(2)}`, initialSupply: supply } },
        op,
      )
    ).createProduct.id;
  const spreadTasks = manufacturerIds.flatMap((m, mi) =>
    Array.from({ length: size.productsPerManufacturer }, (_, pi) => create(m, `B-${run}-${mi + 1}-${pi + 1}`, categories[(mi + pi) % categories.length]!, size.spreadSupply)),
  );
  const spreadProductIds = await inFlight(8, spreadTasks);
  step('products created');
  const [hotProductId, liveProductId] = await Promise.all([
    create(manufacturerIds[0]!, `B-${run}-HOT`, 'hot', size.hotSupply)(),
    create(manufacturerIds[0]!, `B-${run}-LIVE`, 'live', size.hotSupply)(),
  ]);

  // Inventory and order learn of products through events: wait until both know every one.
  const expected = spreadProductIds.length + 2;
  await until(
    'inventory knows every bench product',
    async () => {
      let known = 0;
      for (const category of [...categories, 'hot', 'live']) {
        known += (await must<{ offers: unknown[] }>('offers', gatewayUrl, 'query($c: String!) { offers(category: $c) { id } }', { c: category })).offers.length;
      }
      return known >= expected;
    },
    60_000,
    100,
  );
  step('inventory knows them');

  const current = await must<{ currentRound: { number: number; status: string } | null }>('currentRound', gatewayUrl, '{ currentRound { number status } }');
  let roundNumber = current.currentRound?.status === 'OPEN' ? current.currentRound.number : 0;
  if (!roundNumber) roundNumber = (await must<{ openRound: { number: number } }>('openRound', gatewayUrl, 'mutation { openRound { number } }', {}, op)).openRound.number;

  const customers = await inFlight(
    8,
    Array.from({ length: size.customers }, (_, i) => async () => {
      const r = await must<{ registerCustomer: { token: string; customer: { id: string } } }>(
        'registerCustomer',
        gatewayUrl,
        'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }',
        { i: { name: `Bench customer ${i + 1}`, email: `bench-${run}-${i + 1}@example.com`, password: `bench password ${i + 1}` } },
      );
      return { id: r.registerCustomer.customer.id, token: r.registerCustomer.token };
    }),
  );

  step('round open, customers registered');
  // Orders for the deep query (and the N+1 guard's pages of 100): 2-3 lines each.
  // Many in flight: inventory reserves them in batches.
  const placed = await inFlight(
    25,
    Array.from({ length: size.orders }, (_, i) => async () => {
      const lines = Array.from({ length: 2 + (i % 2) }, (_, k) => ({ productId: spreadProductIds[(i * 7 + k * 13) % spreadProductIds.length]!, quantity: 1 + k }));
      const r = await placeOrder(gatewayUrl, customers[i % customers.length]!.token, lines);
      if (r.status !== 'CONFIRMED') throw new Error(`fixture order ${i} came back ${r.status}`);
      return r;
    }),
  );
  return { operatorToken: token, manufacturerIds, spreadProductIds, hotProductId, liveProductId, customers, roundNumber, ordersPlaced: placed.length };
}

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    __typename
    ... on Order { id status }
    ... on InsufficientStock { lines { requested available } }
    ... on RoundNotOpen { message }
  }
}`;

export interface PlacedOrder {
  typename: string;
  status: string;
  id?: string;
}

export async function placeOrder(gatewayUrl: string, token: string, lines: Array<{ productId: string; quantity: number }>): Promise<PlacedOrder> {
  const d = await must<{ placeOrder: { __typename: string; id?: string; status?: string } }>(
    'placeOrder',
    gatewayUrl,
    PLACE_ORDER,
    { input: { lines, idempotencyKey: randomUUID() } },
    bearer(token),
  );
  return { typename: d.placeOrder.__typename, status: d.placeOrder.status ?? d.placeOrder.__typename, id: d.placeOrder.id };
}
