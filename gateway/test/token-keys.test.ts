/** Tokens are verified through a JWKS over HTTP: a JWKS out of reach is told apart from a bad token. */
import { describe, expect, it } from 'vitest';
import { Role, createTokenVerifier } from '@distribution/auth';
import { startTestIssuer } from '@distribution/testkit';

describe('a token verifier on a remote JWKS', () => {
  it('verifies while the keys are reachable, and answers TOKEN_KEYS_UNAVAILABLE (not UNAUTHENTICATED) while they are not', async () => {
    const issuer = await startTestIssuer();
    const token = `Bearer ${await issuer.sign({ sub: 'c-1', role: Role.Customer })}`;
    const verify = createTokenVerifier({ jwksUrl: issuer.jwksUrl, jwksCooldownMs: 0 });
    const unreachable = createTokenVerifier({ jwksUrl: issuer.jwksUrl, jwksCooldownMs: 0 });
    expect(await verify(token)).toMatchObject({ sub: 'c-1', role: Role.Customer });
    await issuer.stop();
    // A verifier that never fetched the keys cannot fetch them now.
    await expect(unreachable(token)).rejects.toMatchObject({ extensions: { code: 'TOKEN_KEYS_UNAVAILABLE' } });
    // A token that is bad whatever the keys is still UNAUTHENTICATED.
    await expect(unreachable('Bearer not-a-jwt')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('answers TOKEN_KEYS_UNAVAILABLE when the JWKS URL answers something other than a key set', async () => {
    const verify = createTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json', jwksTimeoutMs: 1000 });
    const issuer = await startTestIssuer();
    try {
      const token = `Bearer ${await issuer.sign({ sub: 'op', role: Role.Operator })}`;
      await expect(verify(token)).rejects.toMatchObject({ extensions: { code: 'TOKEN_KEYS_UNAVAILABLE' } });
      const notAKeySet = createTokenVerifier({ jwksUrl: issuer.jwksUrl.replace('/.well-known/jwks.json', '/elsewhere') });
      await expect(notAKeySet(token)).rejects.toMatchObject({ extensions: { code: 'TOKEN_KEYS_UNAVAILABLE' } });
    } finally {
      await issuer.stop();
    }
  });
});
