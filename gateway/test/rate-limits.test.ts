/** The rate limits' rules, without a network: who the caller is, what an operation costs, when it is refused. */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { getOperationAST, parse } from 'graphql';
import { Role } from '@distribution/auth';
import { createLogger } from '@distribution/logging';
import { ConfigError } from '@distribution/config';
import { accountFieldsOf } from '../src/rate-limits/account-fields.js';
import { addressKey, clientAddress } from '../src/rate-limits/client-address.js';
import { RateLimits, rateLimitSettingsFromEnvironment } from '../src/rate-limits/index.js';

const request = (remoteAddress: string, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('the client address', () => {
  it('is the socket address unless proxies are trusted: a spoofed X-Forwarded-For changes nothing', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), 0)).toBe('203.0.113.9');
  });

  it('is the address the farthest trusted proxy saw, whatever the client wrote to the left of it', () => {
    // client wrote "6.6.6.6"; the one proxy (10.0.0.2) appended the real client 198.51.100.7
    expect(clientAddress(request('10.0.0.2', '6.6.6.6, 198.51.100.7'), 1)).toBe('198.51.100.7');
    // two proxies: the edge saw 198.51.100.7, the inner one saw the edge (10.0.0.1)
    expect(clientAddress(request('10.0.0.2', ['6.6.6.6, 198.51.100.7', '10.0.0.1']), 2)).toBe('198.51.100.7');
    // fewer entries than hops: the leftmost there is
    expect(clientAddress(request('10.0.0.2', '198.51.100.7'), 3)).toBe('198.51.100.7');
    expect(clientAddress(request('10.0.0.2', '[2001:db8::1]:443'), 1)).toBe('2001:db8::1');
  });

  it('falls back to the socket address when the trusted entry is not an address', () => {
    expect(clientAddress(request('10.0.0.2', 'unknown'), 1)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('counts IPv6 callers by their /64, and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey('::ffff:192.0.2.5')).toBe('192.0.2.5');
    expect(addressKey('192.0.2.5')).toBe('192.0.2.5');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the account mutations of an operation', () => {
  const fields = (source: string, variables?: Record<string, unknown>) => {
    const document = parse(source);
    return accountFieldsOf(document, getOperationAST(document)!, new Set(['registerCustomer', 'signIn']), variables);
  };

  it('counts every alias, and the account each names (from literals or variables)', () => {
    expect(
      fields(
        `mutation ($i: RegisterCustomerInput!) {
      a: registerCustomer(input: $i) { token }
      b: registerCustomer(input: { name: "B", email: "B@Example.com" }) { token }
      addToCart(productId: "p", quantity: 1) { id }
    }`,
        { i: { name: 'A', email: 'a@example.com' } },
      ),
    ).toEqual([
      { field: 'registerCustomer', account: 'a@example.com' },
      { field: 'registerCustomer', account: 'b@example.com' },
    ]);
  });

  it('finds them behind fragments and inline fragments, once per response key', () => {
    expect(
      fields(`mutation { ...Join ... on Mutation { registerCustomer(input: { name: "A", email: "a@x.io" }) { customer { id } } } }
      fragment Join on Mutation { registerCustomer(input: { name: "A", email: "a@x.io" }) { token } again: signIn(input: { email: "c@x.io" }) { token } }`),
    ).toEqual([
      { field: 'registerCustomer', account: 'a@x.io' },
      { field: 'signIn', account: 'c@x.io' },
    ]);
  });

  it('ignores queries and other mutations', () => {
    expect(fields('{ registerCustomer }')).toEqual([]);
    expect(fields('mutation { placeOrder(input: {}) { __typename } }')).toEqual([]);
  });
});

describe('RateLimits in memory', () => {
  const logger = createLogger('rate-limits-test', 'silent');
  const quota = (points: number) => ({ points, durationSeconds: 60 });
  const register = (email: string) => parse(`mutation { registerCustomer(input: { name: "N", email: "${email}" }) { token } }`);
  const check = (limits: RateLimits, document: ReturnType<typeof parse>, address: string, identity: { sub: string; role: Role } | null = null) =>
    limits.checkOperation({ document, operation: getOperationAST(document)!, variables: undefined, address, identity });

  it('refuses past the per-address quota with RATE_LIMITED and the seconds to wait', async () => {
    const limits = new RateLimits({ accountPerAddress: quota(2), accountPerIdentity: quota(100) }, logger);
    expect(await check(limits, register('1@x.io'), '192.0.2.1')).toBeUndefined();
    expect(await check(limits, register('2@x.io'), '192.0.2.1')).toBeUndefined();
    const refused = await check(limits, register('3@x.io'), '192.0.2.1');
    expect(refused?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(refused!.extensions.retryAfterSeconds as number).toBeGreaterThan(0);
    expect(refused!.extensions.retryAfterSeconds as number).toBeLessThanOrEqual(60);
    // Another address has its own quota.
    expect(await check(limits, register('4@x.io'), '192.0.2.2')).toBeUndefined();
    // Queries cost nothing.
    expect(await check(limits, parse('{ products { id } }'), '192.0.2.1')).toBeUndefined();
  });

  it('refuses past the per-identity quota from any address: the signed-in caller, or the account an anonymous caller names', async () => {
    const limits = new RateLimits({ accountPerAddress: quota(100), accountPerIdentity: quota(2) }, logger);
    const operator = { sub: 'ops-1', role: Role.Operator };
    expect(await check(limits, register('a@x.io'), '192.0.2.1', operator)).toBeUndefined();
    expect(await check(limits, register('b@x.io'), '192.0.2.2', operator)).toBeUndefined();
    expect((await check(limits, register('c@x.io'), '192.0.2.3', operator))?.extensions.code).toBe('RATE_LIMITED');

    expect(await check(limits, register('Victim@x.io'), '192.0.2.4')).toBeUndefined();
    expect(await check(limits, register('victim@x.io'), '192.0.2.5')).toBeUndefined();
    expect((await check(limits, register('VICTIM@x.io'), '192.0.2.6'))?.extensions.code).toBe('RATE_LIMITED');
  });

  it('refuses a single operation whose aliases cost more than the quota holds', async () => {
    const limits = new RateLimits({ accountPerAddress: quota(3) }, logger);
    const many = parse(`mutation { ${[1, 2, 3, 4].map((i) => `r${i}: registerCustomer(input: { name: "N", email: "${i}@x.io" }) { token }`).join(' ')} }`);
    expect((await check(limits, many, '192.0.2.1'))?.extensions.code).toBe('RATE_LIMITED');
  });

  it('counts new connections per address', async () => {
    const limits = new RateLimits({ connectionsPerAddress: quota(2) }, logger);
    expect(await limits.admitConnection('192.0.2.1')).toBeUndefined();
    expect(await limits.admitConnection('192.0.2.1')).toBeUndefined();
    expect(await limits.admitConnection('192.0.2.1')).toBeGreaterThan(0);
    expect(await limits.admitConnection('192.0.2.2')).toBeUndefined();
  });
});

describe('rate limit settings', () => {
  it('come from the environment, with the account mutations as a list of names', () => {
    const { rateLimits, maxConnectionsPerAddress } = rateLimitSettingsFromEnvironment({
      ACCOUNT_MUTATIONS: 'registerCustomer, signIn,refreshSession',
      ACCOUNT_LIMIT_PER_ADDRESS: '7',
      ACCOUNT_LIMIT_WINDOW_SECONDS: '30',
      TRUST_PROXY: '1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      MAX_CONNECTIONS_PER_ADDRESS: '9',
    });
    expect(rateLimits).toMatchObject({
      accountMutations: ['registerCustomer', 'signIn', 'refreshSession'],
      accountPerAddress: { points: 7, durationSeconds: 30 },
      accountPerIdentity: { points: 5, durationSeconds: 30 },
      trustedProxies: 1,
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(maxConnectionsPerAddress).toBe(9);
  });

  it('refuse what is not a list of field names, or not a count', () => {
    expect(() => rateLimitSettingsFromEnvironment({ ACCOUNT_MUTATIONS: 'registerCustomer; DROP' })).toThrow(ConfigError);
    expect(() => rateLimitSettingsFromEnvironment({ ACCOUNT_LIMIT_PER_ADDRESS: '0' })).toThrow(ConfigError);
    expect(() => rateLimitSettingsFromEnvironment({ TRUST_PROXY: 'yes' })).toThrow(ConfigError);
  });
});
