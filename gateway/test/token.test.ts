import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, formatSigningKeys, generateSigningKey, publicKeySet, Role, type SigningKey, type TokenVerifier } from '@distribution/auth';
import { createDevelopmentToken, developmentSigningKey, parseTokenArguments, TokenArgumentError } from '../../scripts/token.js';

let dir: string;
let key: SigningKey;
let verify: TokenVerifier;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'token-'));
  key = await developmentSigningKey({}, join(dir, 'signing-keys.json'));
  verify = createTokenVerifier({ jwks: publicKeySet([key]) });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('signs with the development key file (made once, private to its owner), ACCOUNT_SIGNING_KEYS when set, and never in production', async () => {
    const file = join(dir, 'signing-keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await developmentSigningKey({}, file)).kid).toBe(key.kid);
    const configured = await generateSigningKey();
    expect((await developmentSigningKey({ ACCOUNT_SIGNING_KEYS: formatSigningKeys([configured]) }, file)).kid).toBe(configured.kid);
    await expect(developmentSigningKey({ NODE_ENV: 'production' }, file)).rejects.toThrow(/development shortcut/);
  });

  it('makes a token the gateway verifier accepts as that identity, until it expires', async () => {
    const signedAt = Date.now();
    const token = await createDevelopmentToken({ identity: { role: Role.Operator, sub: 'op-1' }, expiresIn: '1h' }, key);
    const identity = await verify(`Bearer ${token}`);
    expect(identity).toEqual({ role: Role.Operator, sub: 'op-1', expiresAt: expect.any(Number) });
    // `exp` has whole seconds: the expiry is an hour after signing, give or take that second.
    expect(identity!.expiresAt! - signedAt).toBeGreaterThan(3600_000 - 1000);
    expect(identity!.expiresAt! - signedAt).toBeLessThanOrEqual(3600_000 + 1000);
  });

  it('makes a token that no longer verifies once tampered with', async () => {
    const token = await createDevelopmentToken({ identity: { role: Role.Customer, sub: 'c-1' }, expiresIn: '1h' }, key);
    const [header, payload, signature] = token.split('.');
    // Promote the customer to operator without re-signing.
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: Role.Operator })).toString('base64url');
    await expect(verify(`Bearer ${header}.${forged}.${signature}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const stranger = createTokenVerifier({ jwks: publicKeySet([await generateSigningKey()]) });
    await expect(stranger(`Bearer ${token}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
