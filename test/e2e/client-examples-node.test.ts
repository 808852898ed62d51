/**
 * The Node example clients (client-examples/node) and the seed and list commands, run against a
 * test network loaded with the sample data, with their output captured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { seedSampleData } from '../../scripts/seed.js';
import { list } from '../../scripts/list.js';
import { operation } from '../../client-examples/operations/index.js';
import { browse, manufacturer, order, watch } from '../../client-examples/node/src/index.js';
import { startTestNetwork, operator, eventually, type TestNetwork } from './network.js';
import { placeOrder, registerCustomer } from './scenario.js';

const run = promisify(execFile);

/** Collects what an example prints. */
function output() {
  const lines: string[] = [];
  return { print: (text: string) => lines.push(text), text: () => lines.join('\n') };
}

describe('the Node example clients', () => {
  let net: TestNetwork;
  let orderedProduct: { id: string; manufacturerId: string };
  beforeAll(async () => {
    net = await startTestNetwork();
    await seedSampleData(net.gatewayUrl, net.signToken);
  });
  afterAll(async () => net?.close());

  it("browse prints the round and every category's offers as tables", async () => {
    const out = output();
    const result = await browse({ url: net.gatewayUrl, print: out.print });
    expect(result.round).toMatchObject({ number: 1, status: 'OPEN' });
    expect(result.offers).toHaveLength(12);
    const text = out.text();
    expect(text).toContain('Round 1: OPEN');
    for (const heading of ['coffee', 'milk', 'product', 'manufacturer', 'available']) expect(text).toContain(heading);
    expect(text).toMatch(/House blend coffee beans 1 kg\s+Harbor Roasters\s+21\.00\s+15\s+0\s+IN_STOCK/);
  });

  it('order registers a customer, orders the best-stocked offer from the cart and shows the outcome', async () => {
    const out = output();
    const result = await order({ url: net.gatewayUrl, category: 'coffee', print: out.print });
    expect(result).toMatchObject({ outcome: 'Order', order: { status: 'CONFIRMED', total: '13.00' } });
    expect(out.text()).toMatch(/Picked Dark roast coffee beans 250 g from Northwind Mills: 40 available/);
    expect(out.text()).toContain('My orders');
    const placed = await net.as(operator)(operation('Order'), { id: result.order!.id });
    expect(placed.data.order).toMatchObject({ status: 'CONFIRMED', lines: [{ quantity: 2 }] });
    const product = placed.data.order.lines[0].product;
    orderedProduct = { id: product.id, manufacturerId: (await net.as()(operation('Product'), { id: product.id })).data.product.manufacturer.id };
  });

  it('manufacturer shows its products, produces and, once a round is settled, its settlement', async () => {
    const before = output();
    const first = await manufacturer({ url: net.gatewayUrl, print: before.print });
    expect(before.text()).toContain('Signed in as northwind@example.com');
    expect(first.manufacturerId).toBe(orderedProduct.manufacturerId);
    expect(first.produced).toMatchObject({ quantity: 10 });
    expect(first.produced!.supplyAfter).toBe(first.produced!.supplyBefore + 10);
    expect(first.settlements).toBe(0);
    expect(before.text()).toContain('Northwind Mills');
    expect(before.text()).toMatch(/Produced 10 × /);

    await net.as(operator)(operation('CloseRound'));
    await eventually(async () => (await net.as()(operation('CurrentRound'))).data?.currentRound.status === 'SETTLED');
    const after = output();
    const second = await manufacturer({ url: net.gatewayUrl, print: after.print });
    expect(second.settlements).toBe(1);
    expect(after.text()).toMatch(/Round 1\n.*\n.*\nDark roast coffee beans 250 g\s+2\s+13\.00/);
    await net.as(operator)(operation('OpenRound'));
  });

  it('watch reports availability as orders land, and stops when its time is up', async () => {
    const out = output();
    const watching = watch({ url: net.gatewayUrl, category: 'milk', durationMs: 6000, pollIntervalMs: 250, print: out.print });
    const customer = await registerCustomer(net);
    const milk = (await net.as()(operation('Offers'), { category: 'milk' })).data.offers[0];
    // The subscription's snapshot is printed once it is live: from then on, every change is heard.
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await eventually(() => new RegExp(`availability\\s+${escape(milk.name)}.*: ${milk.stock.available} available`).test(out.text()));
    const placed = await placeOrder(net, customer, [{ productId: milk.id, quantity: 3 }]);
    expect(placed.data.placeOrder.status).toBe('CONFIRMED');
    // It ends by itself (the test's own timeout is the bound), with the change it saw.
    const result = await watching;
    expect(result.events.availability).toBeGreaterThanOrEqual(1);
    expect(out.text()).toMatch(new RegExp(`availability\\s+${milk.name}.*: ${milk.stock.available - 3} available`));
    expect(out.text()).toContain('Events seen');
  });

  it('runs from the command line and exits by itself', { timeout: 60_000 }, async () => {
    const cli = (url: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', 'client-examples/node/src/cli.ts', ...args, '--url', url], { timeout: 45_000 });
    const [browsed, watched, refused] = await Promise.all([
      cli(net.gatewayUrl, 'browse', '--category', 'eggs'),
      cli(net.gatewayUrl, 'watch', '--for', '2s'),
      cli('http://127.0.0.1:9/graphql', 'browse').then(
        () => null,
        (error) => error,
      ),
    ]);
    expect(browsed.stdout).toContain('Free-range eggs, 10');
    expect(watched.stdout).toContain('Events seen');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('Cannot reach the gateway') });
  });

  it('npm run list prints manufacturers, products, customers and orders', async () => {
    expect((await list('manufacturers', net.gatewayUrl, net.signToken)).rows).toHaveLength(4);
    const products = (await list('products', net.gatewayUrl, net.signToken)).rows;
    expect(products).toHaveLength(12);
    expect(products[0]).toMatchObject({ sku: expect.any(String), manufacturer: expect.any(String), available: expect.any(Number) });
    const orders = (await list('orders', net.gatewayUrl, net.signToken)).rows;
    expect(orders.length).toBeGreaterThanOrEqual(2);
    expect(orders.map((o) => o.status)).toContain('FULFILLED');
    // Every registered customer, whether or not it ordered, with its order count from the order service.
    const customers = (await list('customers', net.gatewayUrl, net.signToken)).rows;
    expect(customers.map((c) => c.email)).toEqual(expect.arrayContaining(['ada@example.com', 'ben@example.com']));
    expect(customers.find((c) => c.email === 'ada@example.com')).toMatchObject({ orders: 0 });
    expect(customers.reduce((n, c) => n + Number(c.orders), 0)).toBe(orders.length);
  });

  it('seeding again changes nothing', async () => {
    expect(await seedSampleData(net.gatewayUrl, net.signToken)).toEqual({
      manufacturersCreated: 0,
      productsCreated: 0,
      manufacturerLoginsCreated: 0,
      customersCreated: 0,
      roundOpened: null,
    });
  });
});
