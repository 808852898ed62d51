import { describe, expect, it } from 'vitest';
import { createTokenVerifier, Role } from '@distribution/auth';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { createDevelopmentToken, parseTokenArguments, signingSecret, TokenArgumentError } from '../../scripts/token.js';

const secret = DEVELOPMENT_DEFAULTS.jwtSecret;
const verify = createTokenVerifier({ secret });

describe('npm run token', () => {
  it('reads role (any case), subject and lifetime from the arguments', () => {
    expect(parseTokenArguments(['--role', 'Manufacturer', '--sub', 'm-1', '--expires', '30m'])).toEqual({
      identity: { role: Role.Manufacturer, sub: 'm-1' },
      expiresIn: '30m',
    });
    expect(parseTokenArguments(['--role', 'customer', '--sub', 'c-9'])).toMatchObject({ expiresIn: '12h' });
  });

  it('explains every wrong argument at once', () => {
    expect(() => parseTokenArguments(['--role', 'boss', '--expires', 'soon'])).toThrow(TokenArgumentError);
    try {
      parseTokenArguments(['--role', 'boss', '--expires', 'soon']);
    } catch (error) {
      expect((error as Error).message).toContain('--role must be one of operator, manufacturer, customer');
      expect((error as Error).message).toContain('--sub is required');
      expect((error as Error).message).toContain('--expires must be');
    }
    expect(() => parseTokenArguments(['--role', 'operator', '--sub', 'x', '--color'])).toThrow(/Unknown option '--color'/);
  });

  it('signs with JWT_SECRET and falls back to the development secret', () => {
    expect(signingSecret({})).toBe(secret);
    expect(signingSecret({ JWT_SECRET: 'another-secret-of-length' })).toBe('another-secret-of-length');
    expect(() => signingSecret({ JWT_SECRET: 'short' })).toThrow(/at least 16/);
  });

  it('makes a token the gateway verifier accepts as that identity, until it expires', async () => {
    const signedAt = Date.now();
    const token = await createDevelopmentToken({ identity: { role: Role.Operator, sub: 'op-1' }, expiresIn: '1h' }, secret);
    const identity = await verify(`Bearer ${token}`);
    expect(identity).toEqual({ role: Role.Operator, sub: 'op-1', expiresAt: expect.any(Number) });
    // `exp` has whole seconds: the expiry is an hour after signing, give or take that second.
    expect(identity!.expiresAt! - signedAt).toBeGreaterThan(3600_000 - 1000);
    expect(identity!.expiresAt! - signedAt).toBeLessThanOrEqual(3600_000 + 1000);
  });

  it('makes a token that no longer verifies once tampered with', async () => {
    const token = await createDevelopmentToken({ identity: { role: Role.Customer, sub: 'c-1' }, expiresIn: '1h' }, secret);
    const [header, payload, signature] = token.split('.');
    // Promote the customer to operator without re-signing.
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: Role.Operator })).toString('base64url');
    await expect(verify(`Bearer ${header}.${forged}.${signature}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(createTokenVerifier({ secret: 'a-different-secret-entirely' })(`Bearer ${token}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
