/**
 * The exposure attacks of the probe against the running network, in production mode and in
 * development mode, and the other side: pages on listed origins are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attacks, FOREIGN_ORIGIN } from '../../scripts/probe/attacks/exposure.js';
import type { ProbeTarget } from '../../scripts/probe/attack.js';
import { startTestNetwork, operator, type TestNetwork } from '../e2e/network.js';

const SHOP = 'https://shop.example.com';

async function targetOf(net: TestNetwork): Promise<ProbeTarget> {
  return {
    httpUrl: net.gatewayUrl,
    wsUrl: net.gatewayUrl.replace(/^http/, 'ws'),
    tokens: { operator: await net.tokenFor(operator) },
    subgraphUrls: Object.fromEntries(Object.entries(net.services).map(([name, service]) => [name, service.url])),
  };
}

const customerCount = async (net: TestNetwork) => Number((await net.sql<{ n: string }>("SELECT count(*) AS n FROM account.account WHERE role = 'CUSTOMER'"))[0]!.n);

let production: TestNetwork;
let development: TestNetwork;
beforeAll(async () => {
  [production, development] = await Promise.all([startTestNetwork({ production: true }), startTestNetwork({ corsOrigins: [SHOP] })]);
});
afterAll(async () => {
  await Promise.all([production?.close(), development?.close()]);
});

describe.each([
  { mode: 'production', net: () => production },
  { mode: 'development', net: () => development },
])('a $mode gateway', ({ mode, net }) => {
  it.each(attacks.map((attack) => [attack.name, attack] as const))('withstands: %s', async (name, attack) => {
    const customersBefore = await customerCount(net());
    const result = await attack.run(await targetOf(net()));
    if (mode === 'development' && name === 'introspection in production') {
      // Sandbox and introspection are for developers; the probe says so rather than passing or failing.
      expect(result).toMatchObject({ skipped: true, observed: expect.stringContaining('Sandbox') });
      return;
    }
    expect(result, `${name}: ${result.observed}`).toMatchObject({ passed: true });
    expect(result.skipped).toBeFalsy();
    expect(await customerCount(net()), 'no customer was created').toBe(customersBefore);
  });

  it('still serves its metrics on the metrics port', async () => {
    const res = await fetch(net().metricsUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# TYPE gateway_subscription_connections gauge$/m);
  });
});

describe('pages on a listed origin', () => {
  it('get the preflight and the answer they need', async () => {
    const preflight = await fetch(development.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, apollo-require-preflight, x-request-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const res = await fetch(development.gatewayUrl, {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('may open a graphql-ws socket, which an unlisted origin may not', async () => {
    const opened = (origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(development.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin, handshakeTimeout: 5000 });
        ws.once('open', () => {
          ws.close();
          resolve('open');
        });
        ws.once('unexpected-response', (_req, res) => {
          ws.terminate();
          resolve(String(res.statusCode));
        });
        ws.once('error', (error) => resolve(error.message));
      });
    expect(await opened(SHOP)).toBe('open');
    expect(await opened(FOREIGN_ORIGIN)).toBe('403');
  });

  it('are none in production unless CORS_ORIGINS lists them', async () => {
    const res = await fetch(production.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
