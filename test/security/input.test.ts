/** The input attacks of the probe (scripts/probe/attacks/input.ts) against the running network: all refused, nothing written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attacks } from '../../scripts/probe/attacks/input.js';
import type { ProbeTarget } from '../../scripts/probe/attack.js';
import { manufacturerIdentity, operator, startTestNetwork, type TestNetwork } from '../e2e/network.js';
import { registerCustomer, registerManufacturer, type Customer } from '../e2e/scenario.js';

/** Rows an input attack could have written, per table. */
const WRITTEN = {
  customers: 'SELECT count(*)::int AS n FROM orders.customer',
  orders: 'SELECT count(*)::int AS n FROM orders.customer_order',
  products: 'SELECT count(*)::int AS n FROM manufacturer.product',
  manufacturers: 'SELECT count(*)::int AS n FROM manufacturer.manufacturer',
};

describe('input attacks (probe: input)', () => {
  let net: TestNetwork;
  let target: ProbeTarget;
  let customer: Customer;
  let before: Record<string, number>;

  beforeAll(async () => {
    net = await startTestNetwork();
    customer = await registerCustomer(net, 'probe');
    const manufacturer = await registerManufacturer(net);
    target = {
      httpUrl: net.gatewayUrl,
      wsUrl: net.gatewayUrl.replace(/^http/, 'ws'),
      tokens: { customer: customer.token, manufacturer: await net.tokenFor(manufacturerIdentity(manufacturer)), operator: await net.tokenFor(operator) },
      subgraphUrls: Object.fromEntries(Object.entries(net.services).map(([name, service]) => [name, service.url])),
    };
    before = await counts();
  });
  afterAll(async () => net?.close());

  async function counts(): Promise<Record<string, number>> {
    const entries = await Promise.all(Object.entries(WRITTEN).map(async ([name, sql]) => [name, (await net.sql<{ n: number }>(sql))[0]!.n] as const));
    return Object.fromEntries(entries);
  }

  for (const attack of attacks) {
    it(`${attack.name}: ${attack.expected}`, async () => {
      const result = await attack.run(target);
      expect(result.skipped, result.observed).toBeFalsy();
      expect(result.passed, result.observed).toBe(true);
    });
  }

  it('wrote nothing: no customer, order, product or manufacturer came of any attack', async () => {
    for (const attack of attacks) await attack.run(target);
    expect(await counts()).toEqual(before);
    expect(await net.sql('SELECT id FROM orders.customer_order WHERE customer_id = $1', [customer.id])).toEqual([]);
  });

  it('still serves the same requests written cleanly', async () => {
    const search = await net.as()('query($s: String) { products(filter: { search: $s }, first: 5) { edges { node { id } } } }', { s: 'coffee' });
    expect(search.errors).toBeUndefined();
    const registered = await net.as()('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { customer { name } } }', {
      i: { name: 'Mallory Clean', email: 'mallory.clean@example.com', password: 'a clean long password' },
    });
    expect(registered.data?.registerCustomer.customer.name).toBe('Mallory Clean');
  });
});
