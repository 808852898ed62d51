/**
 * The browser the page tests drive: Debian's chromium through playwright-core (never a downloaded
 * one), and the built page behind vite's preview server, which proxies /graphql to a test gateway.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PreviewServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
export const WEB_ROOT = path.resolve('client-examples/web');

/**
 * Whether the browser tests skip: only off CI, when chromium is not installed. Under CI=true they
 * run whatever, so a missing browser fails them (launching it fails) instead of passing unseen.
 */
export const skipBrowserTests = !existsSync(CHROMIUM) && process.env.CI !== 'true';
export const browserSuiteName = (name: string) => (skipBrowserTests ? `${name} (SKIPPED: ${CHROMIUM} is missing; install Debian's chromium package)` : name);

/** Launches the browser. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (CI=true runs the browser tests, it never skips them)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Builds the page into a temporary folder; `remove` deletes it. */
export async function buildPage(): Promise<{ config: Record<string, any>; remove: () => void }> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(path.join(tmpdir(), 'web-'));
  const config = {
    root: WEB_ROOT,
    configFile: path.join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'warn' as const,
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  };
  await build(config);
  return { config, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** Serves a built page on a free port, its /graphql proxied to `gatewayUrl`; resolves with its URL. */
export async function previewPage(config: Record<string, any>, gatewayUrl: string): Promise<{ server: PreviewServer; url: string }> {
  const { preview } = await import('vite');
  // vite.config.ts proxies /graphql to VITE_GATEWAY_URL; the preview server reads it when it starts.
  process.env.VITE_GATEWAY_URL = gatewayUrl;
  const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no port');
  return { server, url: `http://127.0.0.1:${address.port}` };
}
