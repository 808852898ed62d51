import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Gauge, Registry } from 'prom-client';
import { startMetricsServer, type RunningMetricsServer } from '@distribution/server';

const started: RunningMetricsServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

async function serve(registry: Registry): Promise<RunningMetricsServer> {
  const server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry });
  started.push(server);
  return server;
}

describe('the metrics server', () => {
  it('serves its registry in Prometheus text format on a free port, collecting at each scrape', async () => {
    const registry = new Registry();
    let open = 3;
    new Gauge({
      name: 'things_open',
      help: 'things open now',
      registers: [registry],
      collect() {
        this.set(open);
      },
    });
    const counted = new Counter({ name: 'things_done_total', help: 'things done', registers: [registry] });
    counted.inc(2);
    const server = await serve(registry);
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://localhost:${server.port}/metrics`);

    const first = await fetch(server.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe(registry.contentType);
    const text = await first.text();
    expect(text).toMatch(/^things_open 3$/m);
    expect(text).toMatch(/^things_done_total 2$/m);
    open = 5;
    expect(await (await fetch(server.url)).text()).toMatch(/^things_open 5$/m);
  });

  it('serves nothing but GET /metrics', async () => {
    const server = await serve(new Registry());
    expect((await fetch(server.url.replace('/metrics', '/graphql'))).status).toBe(404);
    expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    const post = await fetch(server.url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 without detail when a collector fails, and keeps serving', async () => {
    const registry = new Registry();
    let broken = true;
    new Gauge({
      name: 'fragile',
      help: 'may fail',
      registers: [registry],
      collect() {
        if (broken) throw new Error('database password is hunter2');
        this.set(1);
      },
    });
    const server = await serve(registry);
    const failed = await fetch(server.url);
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('hunter2');
    broken = false;
    expect(await (await fetch(server.url)).text()).toMatch(/^fragile 1$/m);
  });

  it('stops even while a scraper holds its connection open, and can be stopped twice', async () => {
    const server = await serve(new Registry());
    // fetch keeps the connection alive after the response.
    expect((await fetch(server.url)).status).toBe(200);
    await server.stop();
    await server.stop();
    await expect(fetch(server.url)).rejects.toThrow();
  });
});
