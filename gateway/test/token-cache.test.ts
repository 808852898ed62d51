/** The gateway verifies a token once until it expires (src/token-cache.ts); failures are never remembered. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Role, createTokenVerifier, generateSigningKey, publicKeySet, signToken, type SigningKey, type TokenVerifier } from '@distribution/auth';
import { cachingTokenVerifier } from '../src/token-cache.js';

let key: SigningKey;
let strangerKey: SigningKey;
const verifier = () => createTokenVerifier({ jwks: publicKeySet([key]) });
beforeAll(async () => {
  [key, strangerKey] = await Promise.all([generateSigningKey(), generateSigningKey()]);
});

function counting(verify: TokenVerifier) {
  const calls = vi.fn(verify);
  return { calls, verify: calls as TokenVerifier };
}

describe('cachingTokenVerifier', () => {
  it('verifies a token once and answers the same identity after that', async () => {
    const { calls, verify } = counting(verifier());
    const cached = cachingTokenVerifier(verify);
    const header = `Bearer ${await signToken({ role: Role.Operator, sub: 'op' }, key)}`;
    for (let i = 0; i < 5; i++) expect(await cached(header)).toEqual({ sub: 'op', role: Role.Operator, expiresAt: expect.any(Number) });
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it('verifies again once the token has expired, and then refuses it', async () => {
    let now = Date.now();
    const real = verifier();
    // The real verifier reads the wall clock; this one also refuses once the test's clock passes
    // the token's expiry, so that the cache is asked about an expired token without waiting.
    const { calls, verify } = counting(async (header) => {
      const identity = await real(header);
      if (identity?.expiresAt !== undefined && now >= identity.expiresAt) throw Object.assign(new Error('expired'), { extensions: { code: 'UNAUTHENTICATED' } });
      return identity;
    });
    const cached = cachingTokenVerifier(verify, { now: () => now });
    const header = `Bearer ${await signToken({ role: Role.Customer, sub: 'c' }, key, '2s')}`;
    expect(await cached(header)).toMatchObject({ sub: 'c', role: Role.Customer });
    now += 1000;
    expect(await cached(header)).toMatchObject({ sub: 'c', role: Role.Customer });
    expect(calls).toHaveBeenCalledTimes(1);
    now += 1500;
    await expect(cached(header)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls).toHaveBeenCalledTimes(2);
    // The refusal is not remembered as an identity either: asked again, it is verified and refused again.
    await expect(cached(header)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls).toHaveBeenCalledTimes(3);
  });

  it('re-verifies after maxAgeMs even when the token lives longer', async () => {
    let now = Date.now();
    const { calls, verify } = counting(async () => ({ sub: 's', role: Role.Operator }));
    const cached = cachingTokenVerifier(verify, { now: () => now, maxAgeMs: 1000 });
    await cached('Bearer opaque');
    now += 999;
    await cached('Bearer opaque');
    now += 2;
    await cached('Bearer opaque');
    expect(calls).toHaveBeenCalledTimes(2);
  });

  it('never remembers a failure', async () => {
    const { calls, verify } = counting(verifier());
    const cached = cachingTokenVerifier(verify);
    const forged = `Bearer ${await signToken({ role: Role.Operator, sub: 'op' }, strangerKey)}`;
    await expect(cached(forged)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(cached(forged)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(calls).toHaveBeenCalledTimes(2);
  });

  it('passes "no header" through as anonymous', async () => {
    const cached = cachingTokenVerifier(verifier());
    expect(await cached(undefined)).toBeNull();
    expect(await cached('')).toBeNull();
  });

  it('keeps at most maxEntries tokens, dropping the least recently used', async () => {
    const { calls, verify } = counting(async (header) => ({ sub: String(header), role: Role.Operator }));
    const cached = cachingTokenVerifier(verify, { maxEntries: 2 });
    await cached('Bearer a');
    await cached('Bearer b');
    await cached('Bearer a'); // a is now the most recent
    await cached('Bearer c'); // evicts b
    expect(calls).toHaveBeenCalledTimes(3);
    await cached('Bearer a');
    await cached('Bearer c');
    expect(calls).toHaveBeenCalledTimes(3);
    await cached('Bearer b');
    expect(calls).toHaveBeenCalledTimes(4);
  });
});
