/**
 * Account mutations are rate limited at the gateway, on both HTTP paths, per client address and per
 * identity; replicas sharing a Redis share the count; a lost Redis leaves limits on in memory.
 * Each test starts gateways of its own (in front of one network) with a key prefix of its own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { createLogger } from '@distribution/logging';
import { startGateway, type RateLimitSettings, type RunningGateway } from '@distribution/gateway';
import { SUPERGRAPH_PATH } from '../../scripts/local-network.js';
import { startTestNetwork, operator, type TestNetwork } from './network.js';
import { freePort, startTestRedis, type TestRedis } from './redis.js';

const REGISTER = 'mutation ($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { id } } }';
/** An Accept header the fast path leaves to Apollo Server's pipeline (fast-path.ts, ACCEPTED). */
const THROUGH_APOLLO = { accept: 'application/json;q=0.9' };
const quota = (points: number) => ({ points, durationSeconds: 600 });

describe('rate limits on account mutations', () => {
  let net: TestNetwork;
  let redis: TestRedis;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    [net, redis] = await Promise.all([startTestNetwork(), startTestRedis()]);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
  });
  afterAll(async () => {
    await net?.close();
    await redis?.stop();
  });

  /** A gateway in front of the test network with these limits (and a fresh key prefix unless given). */
  async function gatewayWith(rateLimits: Partial<RateLimitSettings>): Promise<RunningGateway> {
    const gateway = await startGateway(
      {
        port: 0,
        internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
        manufacturerUrl: net.services.manufacturer.url,
        inventoryUrl: net.services.inventory.url,
        orderUrl: net.services.order.url,
        accountUrl: net.services.account.url,
        supergraphPath: SUPERGRAPH_PATH,
        maxConnections: 100,
        maxSubscriptionsPerConnection: 10,
        rateLimits: { keyPrefix: `test-${randomUUID()}`, ...rateLimits },
      },
      { logger: createLogger('gateway', 'silent') },
    );
    gateways.push(gateway);
    return gateway;
  }

  async function register(gateway: RunningGateway, email: string, headers: Record<string, string> = {}) {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: REGISTER, variables: { input: { name: 'Limited', email, password: 'limited password' } } }),
    });
    const body = (await response.json()) as { data?: { registerCustomer?: { customer: { id: string } } } | null; errors?: Array<{ extensions?: Record<string, unknown> }> };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), created: Boolean(body.data?.registerCustomer), error: body.errors?.[0] };
  }

  const customersNamed = async (tag: string) => Number((await net.sql<{ n: string }>('SELECT count(*) AS n FROM account.account WHERE email LIKE $1', [`${tag}-%`]))[0]!.n);

  it('refuses a burst past the limit with RATE_LIMITED (429, Retry-After) on both HTTP paths, and creates nothing past it', async () => {
    const gateway = await gatewayWith({ redisUrl: redis.url, accountPerAddress: quota(3), accountPerIdentity: quota(100) });
    const tag = `burst-${randomUUID().slice(0, 8)}`;
    // At once: the count is one atomic increment per request, whichever path serves it.
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => register(gateway, `${tag}-${i}@example.com`, i % 2 === 0 ? THROUGH_APOLLO : {})));
    expect(answers.filter((a) => a.created)).toHaveLength(3);
    const refused = answers.filter((a) => !a.created);
    expect(refused).toHaveLength(5);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.error?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect(Number(answer.retryAfter)).toBe(answer.error!.extensions!.retryAfterSeconds);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    // Both paths refused some: four requests each (every other one through Apollo Server's pipeline), three created in all.
    expect(new Set(answers.flatMap((a, i) => (a.created ? [] : [i % 2 === 0 ? 'apollo' : 'fast path'])))).toEqual(new Set(['apollo', 'fast path']));
    expect(await customersNamed(tag)).toBe(3);
  });

  it('shares the count between replicas that share a Redis', async () => {
    const shared = { redisUrl: redis.url, keyPrefix: `test-${randomUUID()}`, accountPerAddress: quota(4), accountPerIdentity: quota(100) };
    const [a, b] = await Promise.all([gatewayWith(shared), gatewayWith(shared)]);
    const tag = `replicas-${randomUUID().slice(0, 8)}`;
    expect((await register(a, `${tag}-1@example.com`)).created).toBe(true);
    expect((await register(b, `${tag}-2@example.com`)).created).toBe(true);
    expect((await register(a, `${tag}-3@example.com`)).created).toBe(true);
    expect((await register(b, `${tag}-4@example.com`)).created).toBe(true);
    expect((await register(a, `${tag}-5@example.com`)).error?.extensions?.code).toBe('RATE_LIMITED');
    expect((await register(b, `${tag}-6@example.com`)).error?.extensions?.code).toBe('RATE_LIMITED');
    expect(await customersNamed(tag)).toBe(4);
  });

  it('keeps limiting in memory while Redis is unreachable', async () => {
    const gateway = await gatewayWith({ redisUrl: `redis://127.0.0.1:${await freePort()}`, accountPerAddress: quota(2), accountPerIdentity: quota(100) });
    const tag = `no-redis-${randomUUID().slice(0, 8)}`;
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await register(gateway, `${tag}-${i}@example.com`));
    expect(answers.map((a) => a.created)).toEqual([true, true, false, false]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429]);
    expect(await customersNamed(tag)).toBe(2);
  });

  it('is not fooled by a spoofed X-Forwarded-For, and believes it only from trusted proxies', async () => {
    const direct = await gatewayWith({ accountPerAddress: quota(2), accountPerIdentity: quota(100) });
    const spoofed = `spoofed-${randomUUID().slice(0, 8)}`;
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await register(direct, `${spoofed}-${i}@example.com`, { 'x-forwarded-for': `198.51.100.${i}` }));
    expect(answers.map((a) => a.created)).toEqual([true, true, false, false]);
    expect(await customersNamed(spoofed)).toBe(2);

    // Behind one proxy: the address it appends is the client's, so distinct clients have their own quota.
    const proxied = await gatewayWith({ trustedProxies: 1, accountPerAddress: quota(2), accountPerIdentity: quota(100) });
    const tag = `proxied-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 4; i += 1) expect((await register(proxied, `${tag}-${i}@example.com`, { 'x-forwarded-for': `198.51.100.${i}` })).created).toBe(true);
    const same = { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' };
    expect((await register(proxied, `${tag}-a@example.com`, same)).created).toBe(true);
    expect((await register(proxied, `${tag}-b@example.com`, same)).created).toBe(true);
    expect((await register(proxied, `${tag}-c@example.com`, { 'x-forwarded-for': '7.7.7.7, 203.0.113.7' })).error?.extensions?.code).toBe('RATE_LIMITED');
    expect(await customersNamed(tag)).toBe(6);
  });

  it('limits one identity across addresses: an operator registering manufacturers', async () => {
    const gateway = await gatewayWith({ trustedProxies: 1, accountPerAddress: quota(100), accountPerIdentity: quota(2) });
    const token = await net.tokenFor(operator);
    const tag = `identity-${randomUUID().slice(0, 8)}`;
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': `198.51.100.${i}` },
        body: JSON.stringify({ query: `mutation { registerManufacturer(input: { name: "${tag} ${i}" }) { id } }` }),
      });
      answers.push((await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> });
    }
    expect(answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'created')).toEqual(['created', 'created', 'RATE_LIMITED']);
    expect(Number((await net.sql<{ n: string }>('SELECT count(*) AS n FROM manufacturer.manufacturer WHERE name LIKE $1', [`${tag}%`]))[0]!.n)).toBe(2);
  });
});
