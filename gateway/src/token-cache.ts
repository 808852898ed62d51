/**
 * Remembers verified tokens until they expire, so that a client sending the same token again is not
 * verified again (an HMAC or signature check, through WebCrypto's thread pool, on every request).
 * Only successes are kept: a bad token is verified (and refused) every time.
 */
import type { Identity, TokenVerifier } from '@distribution/auth';

export interface TokenCacheOptions {
  /** How many distinct tokens to remember; the least recently used goes first. */
  maxEntries?: number;
  /** An upper bound on how long a verification is trusted, whatever the token's own expiry. */
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  identity: Identity | null;
  /** Epoch ms after which the token must be verified again. */
  until: number;
}

/** The `exp` claim (epoch seconds) of a compact JWT, read without verifying: only called once the token verified. */
function expiryOf(authorization: string): number | undefined {
  const token = authorization.slice(authorization.indexOf(' ') + 1).trim();
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

export function cachingTokenVerifier(verify: TokenVerifier, { maxEntries = 10_000, maxAgeMs = 10 * 60_000, now = Date.now }: TokenCacheOptions = {}): TokenVerifier {
  const cache = new Map<string, Entry>();
  return async (authorization) => {
    // No header is anonymous, and cheap: nothing to cache.
    if (!authorization) return verify(authorization);
    const hit = cache.get(authorization);
    if (hit) {
      if (hit.until > now()) {
        // Least recently used first: move the hit to the end.
        cache.delete(authorization);
        cache.set(authorization, hit);
        return hit.identity;
      }
      cache.delete(authorization);
    }
    const identity = await verify(authorization);
    const exp = expiryOf(authorization);
    // A token without an expiry is still re-verified now and then (key rotation, JWKS changes).
    const until = Math.min(exp === undefined ? Infinity : exp * 1000, now() + maxAgeMs);
    if (until > now()) {
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(authorization, { identity, until });
    }
    return identity;
  };
}
