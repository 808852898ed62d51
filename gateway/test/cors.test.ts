import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ALLOWED_HEADERS, CorsPolicy } from '../src/cors.js';

const LISTED = 'https://shop.example.com';
const UNLISTED = 'https://evil.example';

/** A server that answers "ok" behind the policy, and accepts WebSocket upgrades the policy lets through. */
let server: Server;
let base: string;
beforeAll(async () => {
  const policy = new CorsPolicy([LISTED, 'http://localhost:5173']);
  const wss = new WebSocketServer({ noServer: true });
  server = createServer((req, res) => {
    if (policy.answerHttp(req, res)) return;
    res.end('ok');
  });
  server.on('upgrade', (req, socket, head) => {
    if (!policy.acceptUpgrade(req, socket)) return;
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(1000, 'welcome'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const preflight = (origin: string, headers = 'authorization, content-type') =>
  fetch(`http://${base}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

/** Opens a WebSocket with these headers; resolves with the HTTP status of a refusal or 101 once upgraded. */
function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base}/graphql`, { headers, handshakeTimeout: 5000 });
    ws.once('upgrade', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('CORS for the pages listed', () => {
  it('grants a preflight from a listed origin: methods, the headers the page sends, a cache time', async () => {
    const res = await preflight(LISTED, 'authorization, content-type, apollo-require-preflight, x-request-id');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of ['authorization', 'content-type', 'apollo-require-preflight', 'x-request-id']) expect(allowed).toContain(header);
    expect(allowed).toEqual(ALLOWED_HEADERS);
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses a preflight from any other origin, with no allow-origin', async () => {
    for (const origin of [UNLISTED, 'null', 'https://shop.example.com.evil.example', 'http://shop.example.com']) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('access-control-allow-methods'), origin).toBeNull();
    }
  });

  it('names the listed origin on its requests, and no origin on others, which still get their answer', async () => {
    const listed = await fetch(`http://${base}/graphql`, { method: 'POST', headers: { origin: LISTED } });
    expect(listed.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(listed.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(listed.headers.get('vary')).toBe('Origin');
    const unlisted = await fetch(`http://${base}/graphql`, { method: 'POST', headers: { origin: UNLISTED } });
    expect(unlisted.status).toBe(200);
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
    expect(unlisted.headers.get('vary')).toBe('Origin');
    const none = await fetch(`http://${base}/graphql`);
    expect(await none.text()).toBe('ok');
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('passes an OPTIONS that is not a preflight to the handler', async () => {
    const res = await fetch(`http://${base}/graphql`, { method: 'OPTIONS', headers: { origin: UNLISTED } });
    expect(await res.text()).toBe('ok');
  });
});

describe('the Origin check on WebSocket upgrades', () => {
  it('refuses an upgrade from a page on an unlisted origin with 403', async () => {
    expect(await upgrade({ origin: UNLISTED })).toBe(403);
    expect(await upgrade({ origin: 'null' })).toBe(403);
  });

  it("lets through a listed origin, the gateway's own origin, and clients that are not browsers", async () => {
    expect(await upgrade({ origin: LISTED })).toBe(101);
    expect(await upgrade({ origin: `http://${base}` })).toBe(101);
    expect(await upgrade({})).toBe(101);
  });

  it("does not take a look-alike host for the gateway's own", async () => {
    expect(await upgrade({ origin: `http://${base}.evil.example` })).toBe(403);
  });
});

describe('the refusal on the wire', () => {
  it('is a complete HTTP answer, not a dropped socket', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: Number(base.split(':')[1]),
        path: '/graphql',
        headers: { connection: 'Upgrade', upgrade: 'websocket', origin: UNLISTED, 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.setTimeout(5000, () => req.destroy(new Error('no answer')));
      req.once('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('upgrade', () => reject(new Error('upgraded')));
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
