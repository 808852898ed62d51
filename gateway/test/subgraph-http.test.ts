/** Subgraph calls reuse their connections (src/subgraph-http.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { SubgraphTimeoutError, postToSubgraph } from '../src/subgraph-http.js';

let server: Server;
let url: URL;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=5' });
      res.end(JSON.stringify({ data: { echo: body, header: req.headers['x-test'] ?? null } }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('postToSubgraph', () => {
  it('posts the body with the headers and reads status, headers and text', async () => {
    const response = await postToSubgraph(url, { 'content-type': 'application/json', 'x-test': 'yes' }, '{"query":"{ a }"}');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('max-age=5');
    expect(response.headers.get('x-missing')).toBeNull();
    expect(await response.json()).toEqual({ data: { echo: '{"query":"{ a }"}', header: 'yes' } });
  });

  it('keeps connections alive: sequential calls share one', async () => {
    const before = connections;
    for (let i = 0; i < 20; i++) await postToSubgraph(url, { 'content-type': 'application/json' }, `{"n":${i}}`);
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('gives up on a subgraph that accepts the connection and never answers, and closes the socket', async () => {
    const sockets: Socket[] = [];
    const closed: Promise<void>[] = [];
    const silent = createTcpServer((socket) => {
      sockets.push(socket);
      // Reads the request (so that the client's FIN is seen) and never answers.
      socket.resume();
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const silentUrl = new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`);
      const attempt = postToSubgraph(silentUrl, { 'content-type': 'application/json' }, '{}', 200);
      await expect(attempt).rejects.toBeInstanceOf(SubgraphTimeoutError);
      await expect(attempt).rejects.toMatchObject({ timeoutMs: 200 });
      // The gateway's end of the connection is gone, not parked in the pool for the next call.
      expect(sockets).toHaveLength(1);
      await Promise.all(closed);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects when nothing listens', async () => {
    await expect(postToSubgraph(new URL('http://127.0.0.1:9/graphql'), {}, '{}')).rejects.toThrow();
  });
});
