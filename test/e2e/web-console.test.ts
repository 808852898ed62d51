/**
 * The page's views per role in a real browser: the operator's console (rounds, the live stock chart,
 * sales per round, low-stock and sold-out lists, the event bus with its repairs), a manufacturer's
 * view (products, production, live notices, settlements) and the customer's cart telling what left it.
 * Orders come from customers through the API while the pages watch. Screenshots go to
 * test-artifacts/web-console/, and with UPDATE_README_IMAGES=1 also to client-examples/README-images/
 * (the ones client-examples/README.md shows).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { DEMO_OPERATOR, DEMO_PASSWORD, SAMPLE_MANUFACTURERS } from '../../scripts/sample-data.js';
import { seedSampleData } from '../../scripts/seed.js';
import { operation } from '../../client-examples/operations/index.js';
import { browserSuiteName, buildPage, launchChromium, previewPage, skipBrowserTests } from './browser.js';
import { manufacturerIdentity, operator, startTestNetwork, type TestNetwork } from './network.js';
import { parkOnPurpose } from './bus-world.js';
import { placeOrder, registerCustomer } from './scenario.js';

const ARTIFACTS = path.resolve('test-artifacts/web-console');
const README_IMAGES = path.resolve('client-examples/README-images');
const northwind = SAMPLE_MANUFACTURERS.find((m) => m.name === 'Northwind Mills')!;

describe.skipIf(skipBrowserTests)(browserSuiteName("the operator's ops, the manufacturer's view and the customer's cart"), () => {
  let net: TestNetwork;
  let browser: Browser;
  let server: PreviewServer;
  let pageUrl: string;
  let removeBuild = () => {};
  const contexts: BrowserContext[] = [];
  const pages = new Map<string, Page>();
  const pageErrors: string[] = [];
  /** Product ids of the sample data by SKU, and their stock when the test began. */
  const products = new Map<string, { id: string; available: number }>();
  const product = (sku: string) => products.get(sku)!;

  /** A screenshot of the whole page; `readme` names the copy client-examples/README.md shows. */
  const shot = async (page: Page, name: string, readme = false) => {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (readme && process.env.UPDATE_README_IMAGES === '1') copyFileSync(file, path.join(README_IMAGES, `${name}.png`));
  };

  async function openPage(label: string, where: string): Promise<Page> {
    // Reduced motion: charts draw their bars at once, so screenshots show the figures, not a transition.
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${label}: ${error.message}`));
    pages.set(label, page);
    await page.goto(`${pageUrl}${where}`);
    return page;
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.getByTestId('account-email').fill(email);
    await page.getByTestId('account-password').fill(password);
    await page.getByTestId('sign-in').click();
  }

  /** The units a bar of the stock chart shows: `series` available or reserved. */
  const bar = (chart: Locator, productId: string, series: 'available' | 'reserved') => chart.locator(`path[data-product="${productId}"][data-series="${series}"]`);
  const units = async (chart: Locator, productId: string, series: 'available' | 'reserved') =>
    Number(
      await bar(chart, productId, series)
        .getAttribute('data-units', { timeout: 1000 })
        .catch(() => NaN),
    );

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(README_IMAGES, { recursive: true });
    let build: Awaited<ReturnType<typeof buildPage>>;
    [net, build, browser] = await Promise.all([
      startTestNetwork({ firstOperator: DEMO_OPERATOR }).then(async (started) => {
        await seedSampleData(started.gatewayUrl, started.signToken);
        return started;
      }),
      buildPage(),
      launchChromium(),
    ]);
    removeBuild = build.remove;
    ({ server, url: pageUrl } = await previewPage(build.config, net.gatewayUrl));
    const catalog = await net.as()('{ products(first: 100) { edges { node { id sku stock { available } } } } }');
    for (const { node } of catalog.data.products.edges) products.set(node.sku, { id: node.id, available: node.stock.available });
  });

  // A failed step leaves a picture of every page as it was, to see why.
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    for (const [label, page] of pages) await page.screenshot({ path: path.join(ARTIFACTS, `failed-${label}.png`), fullPage: true }).catch(() => {});
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await net?.close();
    removeBuild();
  });

  it(
    'shows stock live as customers order, runs a round by hand, charts its sales, repairs a parked event, and a manufacturer sees its sales and settlement',
    { timeout: 150_000 },
    async () => {
      const darkRoast = product('NW-COFFEE-250');
      const flour = product('NW-FLOUR-1KG');
      const oats = product('AD-OATS-500');
      const eggs = product('SF-EGGS-10');

      // The manufacturer signs in on its own view: its products, supply and the distributor's stock.
      const maker = await openPage('northwind', '/manufacturer');
      await maker.getByTestId('sign-in-needed').waitFor();
      await signIn(maker, northwind.email, DEMO_PASSWORD);
      await maker.getByTestId('manufacturer-view').waitFor();
      const makerRow = (id: string) => maker.getByTestId(`my-product-${id}`);
      expect(await makerRow(darkRoast.id).getAttribute('data-available')).toBe(String(darkRoast.available));
      expect(await maker.getByTestId(`my-product-${oats.id}`).count()).toBe(0); // another manufacturer's

      // The operator signs in on the console: every product's stock is on the chart.
      const ops = await openPage('operator', '/operator');
      await signIn(ops, DEMO_OPERATOR.email, DEMO_OPERATOR.password);
      const chart = ops.getByTestId('stock-chart');
      await bar(chart, darkRoast.id, 'available').waitFor({ timeout: 30_000 });
      await expect.poll(() => units(chart, darkRoast.id, 'available'), { timeout: 15_000 }).toBe(darkRoast.available);
      expect(await chart.getAttribute('data-products')).toBe(String(products.size));
      expect(await ops.getByTestId('stock-panel').getAttribute('data-mode')).toBe('live');
      expect(await ops.getByTestId('rounds-panel').getAttribute('data-status')).toBe('OPEN');
      const widthBefore = (await bar(chart, darkRoast.id, 'available').boundingBox())!.width;

      // A customer orders three bags of dark roast: the chart moves three units from available to reserved.
      const ann = await registerCustomer(net, 'ann');
      expect((await placeOrder(net, ann, [{ productId: darkRoast.id, quantity: 3 }])).data.placeOrder.status).toBe('CONFIRMED');
      await expect.poll(() => units(chart, darkRoast.id, 'available'), { timeout: 10_000 }).toBe(darkRoast.available - 3);
      await expect.poll(() => units(chart, darkRoast.id, 'reserved'), { timeout: 10_000 }).toBe(3);
      expect((await bar(chart, darkRoast.id, 'available').boundingBox())!.width).toBeLessThan(widthBefore);
      await expect.poll(() => makerRow(darkRoast.id).getAttribute('data-available'), { timeout: 10_000 }).toBe(String(darkRoast.available - 3));

      // Oats run low and the eggs sell out: both lists say so.
      await placeOrder(net, ann, [{ productId: oats.id, quantity: oats.available - 3 }]);
      await placeOrder(net, ann, [{ productId: eggs.id, quantity: eggs.available }]);
      await ops.getByTestId(`low-stock-${oats.id}`).waitFor({ timeout: 10_000 });
      await ops.getByTestId(`sold-out-${eggs.id}`).waitFor({ timeout: 10_000 });
      expect(await ops.getByTestId(`sold-out-${oats.id}`).count()).toBe(0);

      // Northwind records a production run of flour: its supply grows, and the open round pulls it into stock.
      const flourSupply = Number(await makerRow(flour.id).getAttribute('data-supply'));
      await maker.getByTestId('produce-product').selectOption(flour.id);
      await maker.getByTestId('produce-quantity').fill('25');
      await maker.getByTestId('produce-submit').click();
      await expect.poll(() => maker.getByTestId('produce-outcome').textContent()).toContain(`supply now ${flourSupply + 25}`);
      await expect.poll(() => makerRow(flour.id).getAttribute('data-supply')).toBe(String(flourSupply + 25));
      await expect.poll(() => units(chart, flour.id, 'available'), { timeout: 10_000 }).toBe(flour.available + 25);
      // Its sale appears among its notices as it happens.
      await placeOrder(net, ann, [{ productId: flour.id, quantity: 2 }]);
      await maker.locator(`[data-testid="notice-sold"][data-product="${flour.id}"]`).waitFor({ timeout: 10_000 });
      await shot(ops, 'operator-stock-live', true);

      // A consumer of the order service parks an event: the console lists it with its error.
      const parkedId = await parkOnPurpose(net, 'order');
      const parkedRow = ops.getByTestId(`parked-event-${parkedId}`);
      await parkedRow.waitFor({ timeout: 10_000 });
      expect(await ops.getByTestId('consumer-order.outcomes').getAttribute('data-parked')).toBe('1');
      // and says so at once: orderBusNotices brought the consumer's notice.
      await expect.poll(() => ops.getByTestId('bus-notice').textContent(), { timeout: 10_000 }).toContain('order.outcomes parked an event (StockReleased)');

      // The operator closes the round: it settles live, and the sales chart shows what each manufacturer sold.
      await ops.getByTestId('close-round').click();
      await expect.poll(() => ops.getByTestId('rounds-panel').getAttribute('data-status'), { timeout: 20_000 }).toBe('SETTLED');
      const sold = async (name: string) =>
        Number(
          await ops
            .locator(`[data-testid="sales-chart"] [data-round="1"][data-manufacturer="${name}"]`)
            .getAttribute('data-units', { timeout: 1000 })
            .catch(() => NaN),
        );
      await expect.poll(() => sold('Northwind Mills'), { timeout: 10_000 }).toBe(3 + 2);
      expect(await sold('Alpine Dairy')).toBe(oats.available - 3);
      expect(await sold('Sunrise Farms')).toBe(eggs.available);
      await shot(ops, 'operator-console', true);

      // The manufacturer hears of its settlement, and its settlements list has the round.
      await maker.locator('[data-testid="notice-settled"]').waitFor({ timeout: 15_000 });
      await expect.poll(() => maker.getByTestId('settlement-1').getAttribute('data-units'), { timeout: 10_000 }).toBe('5');
      await shot(maker, 'manufacturer-view', true);

      // The parked event is retried (refused again: its version is unknown), then discarded with a reason.
      await parkedRow.getByTestId('retry').click();
      await expect.poll(() => parkedRow.getByTestId('repair-outcome').textContent()).toContain('refused again, still parked');
      await parkedRow.getByTestId('discard-reason').fill('made by a test on purpose');
      await parkedRow.getByTestId('discard').click();
      await parkedRow.waitFor({ state: 'detached', timeout: 10_000 });
      const repairs = (await net.as(operator)('{ orderBus { repairs(first: 2) { parkedEventId action by reason } } }')).data.orderBus.repairs;
      expect(repairs.map((r: any) => [r.parkedEventId, r.action, r.reason])).toEqual([
        [parkedId, 'DISCARDED', 'made by a test on purpose'],
        [parkedId, 'RETRY_FAILED', null],
      ]);
      expect(new Set(repairs.map((r: any) => r.by)).size).toBe(1);

      // And opens the next round.
      await ops.getByTestId('open-round').click();
      await expect.poll(() => ops.getByTestId('rounds-panel').getAttribute('data-round'), { timeout: 10_000 }).toBe('2');
      expect(await ops.getByTestId('rounds-panel').getAttribute('data-status')).toBe('OPEN');
      expect(pageErrors).toEqual([]);
    },
  );

  it('tells a customer in a dialog what left the cart: a product its manufacturer discontinued, and one sold out, pruned', { timeout: 90_000 }, async () => {
    const oats = product('NW-OATS-500');
    const butter = product('AD-BUTTER-250');
    const page = await openPage('cleo', '/');
    await page.getByTestId('switch-account-mode').click();
    await page.getByTestId('register-name').fill('Cleo Cart');
    await page.getByTestId('account-email').fill(`cleo-${Date.now()}@example.com`);
    await page.getByTestId('account-password').fill('Cleo Cart password');
    await page.getByTestId('register').click();
    for (const [category, item] of [
      ['oats', oats],
      ['butter', butter],
    ] as const) {
      await page.getByTestId(`category-${category}`).click();
      await page.getByTestId(`add-${item.id}`).click();
      await page.getByTestId(`cart-line-${item.id}`).waitFor();
    }

    // Northwind takes its oats off the catalog: the line leaves the cart, and the page says so.
    const discontinued = await net.as(manufacturerIdentity(await northwindId()))('mutation($id: ID!) { discontinueProduct(id: $id) { discontinued } }', { id: oats.id });
    expect(discontinued.data.discontinueProduct.discontinued).toBe(true);
    const dialog = page.getByTestId('pruned-dialog');
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.getByTestId(`pruned-${oats.id}`).getAttribute('data-reason')).toBe('DISCONTINUED');
    await shot(page, 'customer-cart-pruned', true);
    await dialog.getByTestId('pruned-ok').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId(`cart-line-${oats.id}`).count()).toBe(0);

    // Someone buys every pat of butter: the line is flagged, and pruning the cart takes it out.
    const rival = await registerCustomer(net, 'rival');
    const left = (await net.as()(operation('Product'), { id: butter.id })).data.product.stock.available as number;
    expect((await placeOrder(net, rival, [{ productId: butter.id, quantity: left }])).data.placeOrder.status).toBe('CONFIRMED');
    await expect.poll(() => page.getByTestId(`cart-line-${butter.id}`).getAttribute('data-problem'), { timeout: 15_000 }).toBe('OUT_OF_STOCK');
    await page.getByTestId('prune-cart').click();
    await dialog.waitFor();
    expect(await dialog.getByTestId(`pruned-${butter.id}`).getAttribute('data-reason')).toBe('OUT_OF_STOCK');
    await dialog.getByTestId('pruned-ok').click();
    await expect.poll(() => page.getByTestId(`cart-line-${butter.id}`).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  async function northwindId(): Promise<string> {
    const makers = await net.as()(operation('Manufacturers'));
    return makers.data.manufacturers.edges.find((e: any) => e.node.name === northwind.name).node.id;
  }
});
