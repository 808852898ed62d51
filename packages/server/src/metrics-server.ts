/**
 * Prometheus metrics on a port of their own, apart from the public API: a deployment exposes this
 * port to its scraper only (compose `expose`, never `ports`), so the public port never shows them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

export interface MetricsServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Interface to listen on; unset listens on all, as a scraper in another container needs. */
  host?: string;
  registry: Registry;
}

export interface RunningMetricsServer {
  /** Where Prometheus scrapes, e.g. http://localhost:9464/metrics. */
  url: string;
  port: number;
  /** Stops listening and closes open scrapes; safe to call twice. */
  stop(): Promise<void>;
}

/** Serves `registry` at GET /metrics on its own port, and nothing else. */
export async function startMetricsServer({ port, host, registry }: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server = createServer((req, res) => void answer(req, res, registry));
  // A scraper keeps its connection alive between scrapes; stop() must not wait for it.
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://localhost:${bound}${METRICS_PATH}`,
    port: bound,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, registry: Registry): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  res.setHeader('cache-control', 'no-store');
  if (path !== METRICS_PATH) return plain(res, 404, 'Not found: metrics are at /metrics\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return plain(res, 405, 'Method not allowed\n');
  }
  try {
    const body = await registry.metrics();
    res.statusCode = 200;
    res.setHeader('content-type', registry.contentType);
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    // A collect callback that throws must not take the process down; the scrape just fails.
    plain(res, 500, 'Metrics could not be collected\n');
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(text);
}
