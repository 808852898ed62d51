/**
 * The live page without its proxy: built with VITE_GRAPHQL_URL, served from an origin the gateway
 * lists in CORS_ORIGINS, it calls the gateway directly over HTTP (CORS) and graphql-ws (the Origin
 * check). The same page from an origin the gateway does not list gets nothing through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedSampleData } from '../../scripts/seed.js';
import { operation } from '../../client-examples/operations/index.js';
import { startTestNetwork, type TestNetwork } from './network.js';
import { placeOrder, registerCustomer } from './scenario.js';
import { CHROMIUM, CHROMIUM_ARGS, WEB_ROOT, browserSuiteName, skipBrowserTests } from './browser.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Serves the built page from `dir` (whatever is there when asked) on a free port; resolves with its origin. */
async function servePage(dir: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const wanted = new URL(req.url ?? '/', 'http://page').pathname;
    const file = path.join(dir(), wanted === '/' ? 'index.html' : path.normalize(wanted).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dir()) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(skipBrowserTests)(browserSuiteName('the live page calling the gateway directly'), () => {
  let net: TestNetwork;
  let browser: Browser;
  let outDir = '';
  let listed: { server: Server; origin: string };
  let unlisted: { server: Server; origin: string };

  beforeAll(async () => {
    const { build } = await import('vite');
    const { chromium } = await import('playwright-core');
    outDir = mkdtempSync(path.join(tmpdir(), 'web-direct-'));
    // The page's origins exist before the gateway, which must list one of them when it starts.
    [listed, unlisted] = await Promise.all([servePage(() => outDir), servePage(() => outDir)]);
    [net, browser] = await Promise.all([
      startTestNetwork({ corsOrigins: [listed.origin] }).then(async (started) => {
        await seedSampleData(started.gatewayUrl, started.signToken);
        return started;
      }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    await build({
      root: WEB_ROOT,
      configFile: path.join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      define: { 'import.meta.env.VITE_GRAPHQL_URL': JSON.stringify(net.gatewayUrl) },
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const page of [listed, unlisted]) page?.server.close();
    await net?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function open(origin: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/`);
    return page;
  }

  it('works from a listed origin: registers, shows offers, and follows availability live', { timeout: 90_000 }, async () => {
    const coffee = (await net.as()(operation('Offers'), { category: 'coffee' })).data.offers as Array<{ id: string; stock: { available: number } }>;
    const page = await open(listed.origin);
    await page.getByTestId('switch-account-mode').click();
    await page.getByTestId('register-name').fill('Dee Direct');
    await page.getByTestId('account-email').fill(`dee-${Date.now()}@example.com`);
    await page.getByTestId('account-password').fill('dee direct password');
    await page.getByTestId('register').click();
    await page.getByTestId('cart').waitFor();
    await page.getByTestId('category-coffee').click();
    const offer = page.getByTestId(`offer-${coffee[0]!.id}`);
    expect(await offer.getAttribute('data-available')).toBe(String(coffee[0]!.stock.available));
    await expect.poll(() => page.getByTestId('offers').getAttribute('data-mode'), { timeout: 10_000 }).toBe('live');

    const rival = await registerCustomer(net, 'rival');
    expect((await placeOrder(net, rival, [{ productId: coffee[0]!.id, quantity: 1 }])).data.placeOrder.status).toBe('CONFIRMED');
    await expect.poll(() => offer.getAttribute('data-available'), { timeout: 10_000 }).toBe(String(coffee[0]!.stock.available - 1));
    await page.context().close();
  });

  it('gets nothing through from an unlisted origin: no readable answer, no socket', { timeout: 60_000 }, async () => {
    const page = await open(unlisted.origin);
    const outcome = await page.evaluate(async (url) => {
      const http = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }).then(
        () => 'read',
        (error: Error) => `blocked: ${error.name}`,
      );
      const socket = await new Promise<string>((resolve) => {
        const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
        ws.onopen = () => resolve('open');
        ws.onclose = () => resolve('refused');
        setTimeout(() => resolve('no answer'), 5000);
      });
      return { http, socket };
    }, net.gatewayUrl);
    expect(outcome).toEqual({ http: 'blocked: TypeError', socket: 'refused' });
    await page.context().close();
  });
});
