/** Business steps shared by the end-to-end tests, each done through the gateway as a user would. */
import { randomUUID } from 'node:crypto';
import { operator, eventually, customerIdentity, type TestNetwork } from './network.js';

export async function registerManufacturer(net: TestNetwork, name = `Maker ${randomUUID().slice(0, 8)}`): Promise<string> {
  const res = await net.as(operator)('mutation($n: String!) { registerManufacturer(input: { name: $n }) { id } }', { n: name });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.registerManufacturer.id;
}

export async function createProduct(net: TestNetwork, manufacturerId: string, opts: { supply: number; category?: string; price?: string; sku?: string }): Promise<string> {
  const category = opts.category ?? 'widgets';
  const res = await net.as(operator)('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
    i: {
      manufacturerId,
      sku: opts.sku ?? `SKU-${randomUUID().slice(0, 8)}`,
      name: `Product ${randomUUID().slice(0, 6)}`,
      category,
      unitPrice: opts.price ?? '10.00',
      initialSupply: opts.supply,
    },
  });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const id = res.data.createProduct.id;
  // Inventory hears of the product through SupplyChanged: wait until it lists it.
  await eventually(async () => {
    const offers = await net.as()('query($c: String!) { offers(category: $c) { id } }', { c: category });
    return offers.data?.offers.some((o: { id: string }) => o.id === id);
  });
  return id;
}

export async function openRound(net: TestNetwork): Promise<number> {
  const res = await net.as(operator)('mutation { openRound { number status } }');
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.openRound.number;
}

export interface Customer {
  id: string;
  token: string;
  refreshToken: string;
  email: string;
  password: string;
}

/** Registers a customer through the gateway, as a person would; its session is the answer's. */
export async function registerCustomer(net: TestNetwork, label = randomUUID().slice(0, 8), password = `password of ${label}`): Promise<Customer> {
  const email = `${label}-${randomUUID().slice(0, 6)}@example.com`;
  const res = await net.as()('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token refreshToken customer { id } } }', {
    i: { name: `Customer ${label}`, email, password },
  });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return { id: res.data.registerCustomer.customer.id, token: res.data.registerCustomer.token, refreshToken: res.data.registerCustomer.refreshToken, email, password };
}

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    __typename
    ... on Order { id status roundNumber lines { product { id } quantity unitPrice } }
    ... on InsufficientStock { lines { product { id } requested available } }
    ... on RoundNotOpen { message }
  }
}`;

export async function placeOrder(net: TestNetwork, customer: Customer, lines: Array<{ productId: string; quantity: number }>, idempotencyKey = randomUUID()) {
  return net.as(customer.token)(PLACE_ORDER, { input: { lines, idempotencyKey } });
}

/** Runs `tasks` with at most `limit` in flight. */
export async function inFlight<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

export { customerIdentity };
