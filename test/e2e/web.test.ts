/**
 * The live page in a real browser: the page is built with vite and served by vite's preview server,
 * which proxies /graphql (HTTP and graphql-ws) to a test network loaded with the sample data. Two
 * customers in two browser contexts: what one orders shows up on the other's page without a reload.
 * Screenshots of every step go to test-artifacts/web/.
 *
 * Where the gateway does not serve a subscription yet, the page falls back to polling and the test
 * checks the same outcome through it; the live-mode assertions turn on by themselves once the
 * supergraph has the field (see `served`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import pg from 'pg';
import { SUPERGRAPH_PATH } from '../../scripts/local-network.js';
import { seedSampleData } from '../../scripts/seed.js';
import { operation } from '../../client-examples/operations/index.js';
import { customerIdentity, startTestNetwork, type TestNetwork } from './network.js';
import { placeOrder, registerCustomer } from './scenario.js';
import { CHROMIUM, CHROMIUM_ARGS, WEB_ROOT, browserSuiteName, skipBrowserTests } from './browser.js';

const ARTIFACTS = path.resolve('test-artifacts/web');

/** Subscription fields the gateway under test serves: the page is live for these, polls for the rest. */
const servedFields = new Set(
  Object.keys(
    buildSchema(printSchema(Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema()))
      .getSubscriptionType()
      ?.getFields() ?? {},
  ),
);
const served = (field: string) => servedFields.has(field);
const modeFor = (field: string) => (served(field) ? 'live' : 'polling');

describe.skipIf(skipBrowserTests)(browserSuiteName('the live page'), () => {
  let net: TestNetwork;
  let server: PreviewServer;
  let browser: Browser;
  let pageUrl: string;
  let outDir: string;
  let viteConfig: Record<string, any>;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let step = 0;
  const shot = async (page: Page, name: string) => {
    step += 1;
    await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: false });
  };

  async function openPage(label: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${label}: ${error.message}`));
    await page.goto(pageUrl);
    return page;
  }

  async function register(page: Page, name: string) {
    await page.getByTestId('switch-account-mode').click();
    await page.getByTestId('register-name').fill(name);
    await page.getByTestId('account-email').fill(`${name.toLowerCase().replace(/\W/g, '')}-${Date.now()}@example.com`);
    await page.getByTestId('account-password').fill(`${name} password`);
    await page.getByTestId('register').click();
    await page.getByTestId('cart').waitFor();
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.getByTestId('account-email').fill(email);
    await page.getByTestId('account-password').fill(password);
    await page.getByTestId('sign-in').click();
  }

  const storedSession = async (page: Page) =>
    JSON.parse((await page.evaluate(() => localStorage.getItem('distribution.session'))) ?? 'null') as { accessToken: string; refreshToken: string } | null;

  const available = (page: Page, productId: string) => page.getByTestId(`offer-${productId}`).getAttribute('data-available');
  const sessionToken = async (page: Page): Promise<string> => (await storedSession(page))!.accessToken;
  /**
   * Runs `act` while the order service cannot take in stock figures (its read model's table is
   * locked against writes, reads go on), and `lagMs` after: inventory and its live events are ahead
   * of the order service for that long, as they are for a moment after every change.
   */
  async function whileOrderServiceLags<T>(lagMs: number, act: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: net.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('LOCK TABLE orders.catalog_product IN SHARE MODE');
      const result = await act();
      await new Promise((resolve) => setTimeout(resolve, lagMs));
      await client.query('COMMIT');
      return result;
    } finally {
      await client.end();
    }
  }
  /**
   * A cart line's problem as the order service reads it now. Its figures of stock come from
   * inventory's events through the bus, so they trail inventory (and its live events) by a moment.
   */
  const cartProblem = async (token: string, productId: string) => {
    const lines = (await net.as(token)(operation('MyCart'))).data.me.cart.lines as Array<{ product: { id: string }; problem: string | null }>;
    return lines.find((line) => line.product.id === productId)?.problem ?? '';
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { build, preview } = await import('vite');
    const { chromium } = await import('playwright-core');
    // vite.config.ts proxies /graphql to VITE_GATEWAY_URL; the preview server reads it when it starts.
    outDir = mkdtempSync(path.join(tmpdir(), 'web-'));
    const config = {
      root: WEB_ROOT,
      configFile: path.join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn' as const,
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
    };
    viteConfig = config;
    // The network, the build and the browser do not depend on each other: start them together.
    [net, , browser] = await Promise.all([
      startTestNetwork().then(async (started) => {
        await seedSampleData(started.gatewayUrl, started.signToken);
        return started;
      }),
      build(config),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    process.env.VITE_GATEWAY_URL = net.gatewayUrl;
    server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('the preview server has no port');
    pageUrl = `http://127.0.0.1:${address.port}/`;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await net?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("shows one customer's order on another customer's page without a reload, flags the cart and follows the order live", { timeout: 90_000 }, async () => {
    const coffee = (await net.as()(operation('Offers'), { category: 'coffee' })).data.offers as Array<{ id: string; sku: string; stock: { available: number } }>;
    const bySku = (sku: string) => coffee.find((o) => o.sku === sku)!;
    const darkRoast = bySku('NW-COFFEE-250');
    const houseBlend = bySku('HR-COFFEE-1KG');

    // Bea fills her cart with two bags of house blend.
    const bea = await openPage('bea');
    await register(bea, 'Bea Browser');
    await bea.getByTestId('category-coffee').click();
    await bea.getByTestId(`add-${houseBlend.id}`).click();
    await bea.getByTestId(`cart-line-${houseBlend.id}`).waitFor();
    await bea.getByTestId(`add-${houseBlend.id}`).click();
    await expect.poll(() => bea.getByTestId(`cart-line-${houseBlend.id}`).locator('.qty').textContent()).toBe('2');
    expect(await bea.getByTestId('round').textContent()).toContain('Round 1');
    await shot(bea, 'bea-cart');

    // Al orders a bag of dark roast through checkout.
    const al = await openPage('al');
    await register(al, 'Al Buyer');
    await al.getByTestId('category-coffee').click();
    await al.getByTestId(`add-${darkRoast.id}`).click();
    await al.getByTestId(`cart-line-${darkRoast.id}`).waitFor();
    await al.getByTestId('checkout').click();
    await expect.poll(() => al.getByTestId('checkout-outcome').textContent()).toBe('Order placed: CONFIRMED');
    await shot(al, 'al-ordered');

    // Bea's page, never reloaded, shows one bag less.
    await expect.poll(() => available(bea, darkRoast.id), { timeout: 10_000 }).toBe(String(darkRoast.stock.available - 1));
    expect(await bea.getByTestId('offers').getAttribute('data-mode')).toBe(modeFor('availabilityChanged'));
    await shot(bea, 'bea-sees-availability-drop');

    // Someone else buys all but one bag of house blend, then the last: Bea's cart line is flagged,
    // once the order service has heard of the new stock (the page reads the cart until it has).
    const beaToken = await sessionToken(bea);
    const beaLine = bea.getByTestId(`cart-line-${houseBlend.id}`);
    const rival = await registerCustomer(net, 'rival');
    const first = await whileOrderServiceLags(1500, async () => {
      const placed = await placeOrder(net, rival, [{ productId: houseBlend.id, quantity: houseBlend.stock.available - 1 }]);
      await expect.poll(() => available(bea, houseBlend.id), { timeout: 10_000 }).toBe('1'); // inventory's event is on the page
      expect(await cartProblem(beaToken, houseBlend.id)).toBe(''); // the order service has not heard yet
      return placed;
    });
    expect(first.data.placeOrder.status).toBe('CONFIRMED');
    await expect.poll(() => cartProblem(beaToken, houseBlend.id), { timeout: 10_000 }).toBe('INSUFFICIENT_STOCK');
    await expect.poll(() => beaLine.getAttribute('data-problem'), { timeout: 5_000 }).toBe('INSUFFICIENT_STOCK');
    expect(await beaLine.textContent()).toContain('only 1 available');
    expect(await bea.getByTestId('checkout').isDisabled()).toBe(true);
    await shot(bea, 'bea-cart-flagged');
    await placeOrder(net, rival, [{ productId: houseBlend.id, quantity: 1 }]);
    await expect.poll(() => cartProblem(beaToken, houseBlend.id), { timeout: 10_000 }).toBe('OUT_OF_STOCK');
    await expect.poll(() => beaLine.getAttribute('data-problem'), { timeout: 5_000 }).toBe('OUT_OF_STOCK');
    await expect.poll(() => available(bea, houseBlend.id), { timeout: 10_000 }).toBe('0');
    if (served('stockDepleted')) await bea.getByTestId(`depleted-${houseBlend.id}`).waitFor({ timeout: 10_000 });
    expect(await bea.getByTestId('depletions').getAttribute('data-mode')).toBe(modeFor('stockDepleted'));
    await shot(bea, 'bea-sold-out');

    // Al's order is cancelled elsewhere (here: with his token, through the API): his page follows it.
    const alToken = await sessionToken(al);
    const alOrders = (await net.as(alToken)(operation('MyOrders'))).data.me.orders.edges;
    const orderId = alOrders[0].node.id;
    const row = al.getByTestId(`order-${orderId}`);
    expect(await row.getAttribute('data-status')).toBe('CONFIRMED');
    expect(await row.getAttribute('data-mode')).toBe(modeFor('orderStatusChanged'));
    const cancelled = await net.as(alToken)(operation('CancelOrder'), { id: orderId });
    expect(cancelled.data.cancelOrder.status).toBe('CANCELLED');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('CANCELLED');
    await shot(al, 'al-order-cancelled-live');

    expect(pageErrors).toEqual([]);
  });

  it('signs a registered customer in, orders, and signs out: the session is over on the server too', { timeout: 60_000 }, async () => {
    const sam = await registerCustomer(net, 'sam');
    const milk = (await net.as()(operation('Offers'), { category: 'milk' })).data.offers[0] as { id: string };
    const page = await openPage('sam');
    await signIn(page, sam.email, 'not the password at all');
    await expect.poll(() => page.getByTestId('account-problem').textContent()).toContain('The email or the password is wrong');
    await signIn(page, sam.email, sam.password);
    await page.getByTestId('cart').waitFor();
    expect(await page.getByTestId('account').textContent()).toContain(sam.email);
    await shot(page, 'sam-signed-in');

    await page.getByTestId('category-milk').click();
    await page.getByTestId(`add-${milk.id}`).click();
    await page.getByTestId(`cart-line-${milk.id}`).waitFor();
    await page.getByTestId('checkout').click();
    await expect.poll(() => page.getByTestId('checkout-outcome').textContent()).toBe('Order placed: CONFIRMED');
    const session = (await storedSession(page))!;
    expect((await net.as(session.accessToken)(operation('MyOrders'))).data.me.orders.edges).toHaveLength(1);
    await shot(page, 'sam-ordered');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('account-form').waitFor();
    expect(await storedSession(page)).toBeNull();
    expect(await page.getByTestId('cart').count()).toBe(0);
    const refreshed = await net.as()(operation('RefreshSession'), { input: { refreshToken: session.refreshToken } });
    expect(refreshed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await shot(page, 'sam-signed-out');
    expect(pageErrors).toEqual([]);
  });

  it('keeps a customer signed in past its access token: refreshes it, and follows the order live over a socket reconnected with the fresh one', { timeout: 90_000 }, async () => {
    // A network of its own whose access tokens live 6 s, behind a second preview server of the same build.
    const { preview } = await import('vite');
    const shortLived = await startTestNetwork({ accessTokenSeconds: 6 });
    let proxy: PreviewServer | undefined;
    try {
      await seedSampleData(shortLived.gatewayUrl, shortLived.signToken);
      process.env.VITE_GATEWAY_URL = shortLived.gatewayUrl;
      proxy = await preview({ ...viteConfig, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
      const address = proxy.httpServer.address();
      if (!address || typeof address === 'string') throw new Error('the preview server has no port');
      const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`tess: ${error.message}`));
      await page.goto(`http://127.0.0.1:${address.port}/`);
      await register(page, 'Tess Token');
      const milk = (await shortLived.as()(operation('Offers'), { category: 'milk' })).data.offers[0] as { id: string };
      await page.getByTestId('category-milk').click();
      await page.getByTestId(`add-${milk.id}`).click();
      await page.getByTestId(`cart-line-${milk.id}`).waitFor();
      await page.getByTestId('checkout').click();
      await expect.poll(() => page.getByTestId('checkout-outcome').textContent()).toBe('Order placed: CONFIRMED');
      const first = (await storedSession(page))!;
      const mine = (await shortLived.as(first.accessToken)(operation('MyOrders'))).data.me;
      const [customerId, orderId] = [mine.id as string, mine.orders.edges[0].node.id as string];
      const row = page.getByTestId(`order-${orderId}`);
      expect(await row.getAttribute('data-mode')).toBe(modeFor('orderStatusChanged'));

      // The first access token runs out; the gateway closes the socket opened with it.
      await expect
        .poll(async () => (await shortLived.as(first.accessToken)('{ me { id } }')).errors?.[0]?.extensions?.code, { timeout: 15_000, interval: 250 })
        .toBe('UNAUTHENTICATED');
      // The page asks again with a refreshed token (HTTP), and its socket comes back with one too.
      await page.getByTestId('category-coffee').click();
      await page.getByTestId('category-milk').click();
      await expect.poll(async () => (await storedSession(page))?.accessToken, { timeout: 15_000 }).not.toBe(first.accessToken);
      // The order is cancelled elsewhere (through the API, as the same customer): the page follows it live.
      const cancelled = await shortLived.as(customerIdentity(customerId))(operation('CancelOrder'), { id: orderId });
      expect(cancelled.data.cancelOrder.status).toBe('CANCELLED');
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('CANCELLED');
      // Still live, not fallen back to polling: the socket came back and the subscription went on.
      expect(await row.getAttribute('data-mode')).toBe(modeFor('orderStatusChanged'));
      expect(await page.getByTestId('account').textContent()).toContain('Tess Token');
      await shot(page, 'tess-still-signed-in-after-expiry');
      expect(pageErrors).toEqual([]);
    } finally {
      await proxy?.close();
      await shortLived.close();
    }
  });
});
