/**
 * Loads the sample network through the gateway, as an operator would: idempotent, so running it
 * again (or restarting) changes nothing that is already there. Gives each sample manufacturer its
 * demo login, registers the demo customers, then opens the first round.
 */
import { Role, type TokenSigner } from '@distribution/auth';
import { DEMO_PASSWORD, SAMPLE_CUSTOMERS, SAMPLE_MANUFACTURERS } from './sample-data.js';

type Log = (message: string) => void;

export interface SeedSummary {
  manufacturersCreated: number;
  productsCreated: number;
  manufacturerLoginsCreated: number;
  customersCreated: number;
  roundOpened: number | null;
}

function client(url: string, token?: string) {
  return async <T = any>(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return res.json() as Promise<any>;
  };
}

function must<T>(result: { data?: T; errors?: Array<{ message: string }> }, what: string): T {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${result.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  return result.data;
}

/** The demo logins the sample data has, for people to sign in with. */
export function demoLogins(): string {
  return [
    `Demo sign-ins (password "${DEMO_PASSWORD}"):`,
    `  manufacturers ${SAMPLE_MANUFACTURERS.map((m) => m.email).join(', ')}`,
    `  customers     ${SAMPLE_CUSTOMERS.map((c) => c.email).join(', ')}`,
  ].join('\n');
}

export async function seedSampleData(gatewayUrl: string, signer: TokenSigner, log: Log = () => {}): Promise<SeedSummary> {
  const operator = client(gatewayUrl, await signer({ sub: 'seed-operator', role: Role.Operator }));
  const summary: SeedSummary = { manufacturersCreated: 0, productsCreated: 0, manufacturerLoginsCreated: 0, customersCreated: 0, roundOpened: null };

  const existing = must(
    await operator<{ manufacturers: { edges: Array<{ node: { id: string; name: string } }> } }>('query { manufacturers(first: 100) { edges { node { id name } } } }'),
    'listing manufacturers',
  );
  const byName = new Map(existing.manufacturers.edges.map((e) => [e.node.name, e.node.id]));

  const allSkus: string[] = [];
  for (const maker of SAMPLE_MANUFACTURERS) {
    let id = byName.get(maker.name);
    if (!id) {
      id = must(
        await operator<{ registerManufacturer: { id: string } }>('mutation($input: RegisterManufacturerInput!) { registerManufacturer(input: $input) { id } }', {
          input: { name: maker.name },
        }),
        `registering ${maker.name}`,
      ).registerManufacturer.id;
      summary.manufacturersCreated += 1;
    }
    const login = await operator('mutation($input: CreateManufacturerLoginInput!) { createManufacturerLogin(input: $input) { email } }', {
      input: { manufacturerId: id, email: maker.email, password: DEMO_PASSWORD },
    });
    if (!login.errors) summary.manufacturerLoginsCreated += 1;
    else if (login.errors[0]?.extensions?.code !== 'CONFLICT') throw new Error(`giving ${maker.name} its login: ${login.errors[0]?.message}`);
    const products = must(
      await operator<{ products: { edges: Array<{ node: { sku: string } }> } }>(
        'query($m: ID!) { products(filter: { manufacturerId: $m, includeDiscontinued: true }, first: 100) { edges { node { sku } } } }',
        { m: id },
      ),
      `listing products of ${maker.name}`,
    );
    const skus = new Set(products.products.edges.map((e) => e.node.sku));
    for (const p of maker.products) {
      allSkus.push(p.sku);
      if (skus.has(p.sku)) continue;
      must(
        await operator('mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }', {
          input: { manufacturerId: id, sku: p.sku, name: p.name, category: p.category, unitPrice: p.unitPrice, initialSupply: p.supply },
        }),
        `creating ${p.sku}`,
      );
      summary.productsCreated += 1;
    }
  }

  const anonymous = client(gatewayUrl);
  for (const c of SAMPLE_CUSTOMERS) {
    const result = await anonymous('mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { id } } }', { input: c });
    if (!result.errors) summary.customersCreated += 1;
    else if (result.errors[0]?.extensions?.code !== 'CONFLICT') throw new Error(`registering ${c.email}: ${result.errors[0]?.message}`);
  }

  const round = must(await operator<{ currentRound: { number: number; status: string } | null }>('query { currentRound { number status } }'), 'reading the round');
  if (!round.currentRound) {
    // Inventory learns of products through events: wait until it knows them all before pulling supply.
    const categories = [...new Set(SAMPLE_MANUFACTURERS.flatMap((m) => m.products.map((p) => p.category)))];
    const expected = SAMPLE_MANUFACTURERS.reduce((n, m) => n + m.products.length, 0);
    const deadline = Date.now() + 30_000;
    for (;;) {
      let known = 0;
      for (const category of categories) {
        const offers = must(await anonymous<{ offers: unknown[] }>('query($c: String!) { offers(category: $c) { id } }', { c: category }), 'reading offers');
        known += offers.offers.length;
      }
      if (known >= expected) break;
      if (Date.now() > deadline) throw new Error(`inventory knows ${known} of ${expected} sample products after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    summary.roundOpened = must(await operator<{ openRound: { number: number } }>('mutation { openRound { number } }'), 'opening the first round').openRound.number;
  }
  log(
    `sample data: ${summary.manufacturersCreated} manufacturers, ${summary.productsCreated} products, ${summary.manufacturerLoginsCreated} manufacturer logins, ${summary.customersCreated} customers created${summary.roundOpened ? `; round ${summary.roundOpened} opened` : ''}`,
  );
  return summary;
}
