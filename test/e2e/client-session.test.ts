/**
 * The Node example client keeps a customer signed in past its access token's lifetime: it refreshes
 * the token before it runs out for HTTP, and when the gateway closes the subscription socket because
 * the token it was opened with expired, it reconnects with a fresh one and the subscription goes on.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, SessionKeeper, SessionEnded, signIn, type Api } from '../../client-examples/node/src/index.js';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { createProduct, openRound, registerCustomer, registerManufacturer, type Customer } from './scenario.js';

const ACCESS_TOKEN_SECONDS = 3;
/** The client refreshes this long before expiry: shorter than the tokens here, so both paths happen. */
const REFRESH_AHEAD_MS = 1000;

let net: TestNetwork;
let product: string;
const apis: Api[] = [];

beforeAll(async () => {
  net = await startTestNetwork({ accessTokenSeconds: ACCESS_TOKEN_SECONDS });
  const maker = await registerManufacturer(net);
  product = await createProduct(net, maker, { supply: 100, category: `session-${randomUUID().slice(0, 6)}` });
  await openRound(net);
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await net?.close();
});

async function sessionOf(customer: Customer): Promise<SessionKeeper> {
  const { session } = await signIn(net.gatewayUrl, customer.email, customer.password, REFRESH_AHEAD_MS);
  return session;
}

describe('a Node client with a session', () => {
  it('keeps reading after the access token it signed in with has expired', async () => {
    const customer = await registerCustomer(net);
    const session = await sessionOf(customer);
    const api = createApi({ url: net.gatewayUrl, session });
    apis.push(api);
    const first = session.current.accessToken;
    expect((await api.query('MyCart')).me?.id).toBe(customer.id);
    await eventually(async () => (await net.as(first)('{ me { id } }')).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED', { timeoutMs: 10_000, intervalMs: 200 });
    expect((await api.query('MyCart')).me?.id).toBe(customer.id);
    expect(session.current.accessToken).not.toBe(first);
  });

  it('follows an order across token expiries: the socket comes back with a fresh token and the subscription goes on', async () => {
    const customer = await registerCustomer(net);
    const session = await sessionOf(customer);
    const api = createApi({ url: net.gatewayUrl, session });
    apis.push(api);
    const placed = (await api.mutate('PlaceOrder', { lines: [{ productId: product, quantity: 1 }], idempotencyKey: randomUUID() })).placeOrder;
    if (placed.__typename !== 'Order') throw new Error(`expected an order, got ${placed.__typename}`);
    expect(placed.status).toBe('CONFIRMED');

    const statuses: string[] = [];
    const stop = new AbortController();
    const following = api.subscribe(
      'OnOrderStatusChanged',
      { orderId: placed.id },
      (event) => {
        if ('data' in event) statuses.push(event.data.orderStatusChanged.status);
      },
      stop.signal,
    );
    await eventually(() => statuses.length >= 1, { timeoutMs: 10_000 });
    // The gateway closes the socket when the token it was opened with expires; the client reconnects
    // with a refreshed token and subscribes again, which sends the order as it stands once more.
    await eventually(() => statuses.length >= 2, { timeoutMs: 15_000, intervalMs: 200 });
    expect(statuses).toEqual(['CONFIRMED', 'CONFIRMED']);

    expect((await api.mutate('CancelOrder', { id: placed.id })).cancelOrder.id).toBe(placed.id);
    await eventually(() => statuses.at(-1) === 'CANCELLED', { timeoutMs: 10_000 });
    stop.abort();
    await following;
  });

  it('signs out: the session cannot be refreshed any more', async () => {
    const customer = await registerCustomer(net);
    const session = await sessionOf(customer);
    await session.signOut();
    const stale = new SessionKeeper(net.gatewayUrl, { ...session.current, expiresAt: new Date(0).toISOString() });
    await expect(stale.accessToken()).rejects.toBeInstanceOf(SessionEnded);
  });
});
