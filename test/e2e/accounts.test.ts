/**
 * Accounts through the gateway, as people use them: customers register and sign in again, sessions
 * end on time and can be refreshed, signed out and cut off by a password change; the operator signs
 * in with the first account, gives a manufacturer its login and lists customers.
 */
import { randomUUID } from 'node:crypto';
import { Role } from '@distribution/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { gatewayLiveClient } from './live-client.js';

const ACCESS_TOKEN_SECONDS = 2;
const OPERATOR = { email: `operator-${randomUUID().slice(0, 6)}@example.com`, password: 'operator password for tests' };

const REGISTER = 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token accessToken expiresAt refreshToken refreshExpiresAt customer { id name email } } }';
const SESSION = 'accessToken expiresAt refreshToken refreshExpiresAt role subject';
const SIGN_IN = `mutation($i: SignInInput!) { signIn(input: $i) { ${SESSION} } }`;
const REFRESH = `mutation($i: RefreshSessionInput!) { refreshSession(input: $i) { ${SESSION} } }`;
const SIGN_OUT = 'mutation($i: SignOutInput!) { signOut(input: $i) }';
const CHANGE_PASSWORD = `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${SESSION} } }`;
const ME = '{ me { id name email cart { lines { quantity } } } }';

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork({ accessTokenSeconds: ACCESS_TOKEN_SECONDS, firstOperator: OPERATOR });
});
afterAll(async () => net?.close());

const codeOf = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => res.errors?.[0]?.extensions?.code;

async function register(label = randomUUID().slice(0, 8), password = `a password for ${label}`) {
  const email = `${label}@example.com`;
  const res = await net.as()(REGISTER, { i: { name: `Customer ${label}`, email, password } });
  expect(res.errors).toBeUndefined();
  return { ...res.data.registerCustomer, email, password };
}

const signIn = (email: string, password: string) => net.as()(SIGN_IN, { i: { email, password } });
const refresh = (refreshToken: string) => net.as()(REFRESH, { i: { refreshToken } });
const me = (token: string) => net.as(token)(ME);
/**
 * Access tokens here live ACCESS_TOKEN_SECONDS, shorter than some steps take on a busy machine:
 * steps that are not about expiry use a token minted for the same identity with the account
 * service's key, good for five minutes.
 */
const lasting = (sub: string, role: Role) => net.tokenFor({ sub, role }, 300);

describe('a customer', () => {
  it('signs in again after the access token expired: through a refresh, and through signIn', async () => {
    const ada = await register();
    expect(ada.token).toBe(ada.accessToken);
    expect((await me(ada.accessToken)).data.me).toMatchObject({ id: ada.customer.id, email: ada.email });
    // The access token lives ACCESS_TOKEN_SECONDS; then the gateway refuses it.
    await eventually(async () => codeOf(await me(ada.accessToken)) === 'UNAUTHENTICATED', { timeoutMs: 10_000, intervalMs: 200 });

    const refreshed = await refresh(ada.refreshToken);
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data.refreshSession).toMatchObject({ role: 'CUSTOMER', subject: ada.customer.id });
    expect(refreshed.data.refreshSession.refreshToken).not.toBe(ada.refreshToken);
    expect((await me(refreshed.data.refreshSession.accessToken)).data.me.id).toBe(ada.customer.id);

    const signedIn = await signIn(ada.email.toUpperCase(), ada.password);
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data.signIn).toMatchObject({ role: 'CUSTOMER', subject: ada.customer.id });
    expect(new Date(signedIn.data.signIn.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + ACCESS_TOKEN_SECONDS * 1000 + 1000);
    expect((await me(signedIn.data.signIn.accessToken)).data.me.id).toBe(ada.customer.id);
  });

  it('uses a refresh token once: used again, it ends the whole session', async () => {
    const ben = await register();
    const second = (await refresh(ben.refreshToken)).data.refreshSession.refreshToken;
    expect(codeOf(await refresh(ben.refreshToken))).toBe('UNAUTHENTICATED');
    // The replay revoked the session: the token handed out in between is worthless too.
    expect(codeOf(await refresh(second))).toBe('UNAUTHENTICATED');
    // Signing in starts a new session.
    expect(codeOf(await refresh((await signIn(ben.email, ben.password)).data.signIn.refreshToken))).toBeUndefined();
  });

  it("signs out: the session's refresh token is refused from then on, other sessions go on", async () => {
    const cleo = await register();
    const other = (await signIn(cleo.email, cleo.password)).data.signIn;
    expect((await net.as()(SIGN_OUT, { i: { refreshToken: cleo.refreshToken } })).data.signOut).toBe(true);
    expect(codeOf(await refresh(cleo.refreshToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await refresh(other.refreshToken))).toBeUndefined();
    // Signing out with a token that means nothing answers the same.
    expect((await net.as()(SIGN_OUT, { i: { refreshToken: 'x'.repeat(43) } })).data.signOut).toBe(true);
  });

  it('changes its password: the old one stops working and every session of the account ends', async () => {
    const dora = await register();
    const elsewhere = (await signIn(dora.email, dora.password)).data.signIn;
    const asDora = net.as(await lasting(dora.customer.id, Role.Customer));
    const wrong = await asDora(CHANGE_PASSWORD, { i: { currentPassword: 'not the password', newPassword: 'a brand new password' } });
    expect(codeOf(wrong)).toBe('INVALID_CREDENTIALS');
    const weak = await asDora(CHANGE_PASSWORD, { i: { currentPassword: dora.password, newPassword: 'short' } });
    expect(weak.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });

    const changed = await asDora(CHANGE_PASSWORD, { i: { currentPassword: dora.password, newPassword: 'a brand new password' } });
    expect(changed.errors).toBeUndefined();
    expect(changed.data.changePassword).toMatchObject({ role: 'CUSTOMER', subject: dora.customer.id });
    expect(codeOf(await refresh(dora.refreshToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await refresh(elsewhere.refreshToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await refresh(changed.data.changePassword.refreshToken))).toBeUndefined();
    expect(codeOf(await signIn(dora.email, dora.password))).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await signIn(dora.email, 'a brand new password'))).toBeUndefined();
  });

  it('chooses a password of at least 10 characters that is not a common one; spaces and symbols are welcome', async () => {
    const attempt = (password: string) => net.as()(REGISTER, { i: { name: 'Picky', email: `picky-${randomUUID().slice(0, 8)}@example.com`, password } });
    for (const password of ['short', 'password123', 'Qwertyuiop', '1234567890']) {
      expect((await attempt(password)).errors?.[0]?.extensions, password).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    }
    const symbols = await attempt('  ünïcode & spaces: ok! ');
    expect(symbols.errors).toBeUndefined();
    expect(codeOf(await signIn(symbols.data.registerCustomer.customer.email, '  ünïcode & spaces: ok! '))).toBeUndefined();
    // The password is never part of any answer.
    expect(JSON.stringify(symbols)).not.toContain('ünïcode');
  });

  it('cannot register an email twice, whatever its case', async () => {
    const fay = await register();
    const again = await net.as()(REGISTER, { i: { name: 'Fay again', email: fay.email.toUpperCase(), password: 'another good password' } });
    expect(codeOf(again)).toBe('CONFLICT');
  });
});

describe('signing in under attack', () => {
  it('answers a wrong password and an unknown email alike, and locks both after 5 failures', async () => {
    const gus = await register();
    const unknown = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    const wrongPassword = await signIn(gus.email, 'not the password at all');
    const unknownEmail = await signIn(unknown, 'not the password at all');
    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(codeOf(wrongPassword)).toBe('INVALID_CREDENTIALS');
    expect(wrongPassword.data).toBeNull();

    for (let i = 0; i < 4; i += 1) {
      await signIn(gus.email, `wrong ${i} password`);
      await signIn(unknown, `wrong ${i} password`);
    }
    const lockedKnown = await signIn(gus.email, gus.password);
    const lockedUnknown = await signIn(unknown, gus.password);
    expect(lockedKnown.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(lockedUnknown.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(lockedKnown.errors![0]!.message.replace(/\d+/g, 'N')).toBe(lockedUnknown.errors![0]!.message.replace(/\d+/g, 'N'));
    // Another account is not affected.
    const hal = await register();
    expect(codeOf(await signIn(hal.email, hal.password))).toBeUndefined();
  });

  it('refuses a malformed or unknown refresh token with UNAUTHENTICATED, a bad bearer token too', async () => {
    for (const token of ['', 'short', 'y'.repeat(43)]) expect(codeOf(await refresh(token)), token.slice(0, 10)).toBe('UNAUTHENTICATED');
    // A text past the input length limit never reaches the account service: refused as bad input.
    expect(codeOf(await refresh('z'.repeat(5000)))).toBe('BAD_USER_INPUT');
    expect(codeOf(await me('not.a.jwt'))).toBe('UNAUTHENTICATED');
  });
});

describe('live sessions', () => {
  it('closes a subscription connection with 4403 "Token expired" when its access token runs out', async () => {
    const ivy = await register();
    const client = gatewayLiveClient(net.gatewayUrl, ivy.accessToken);
    try {
      const watch = client.watch('subscription { roundChanged { number } }');
      const ended = await watch.take(10_000);
      expect(ended.kind).toBe('error');
      expect((ended as { error: { code: number; reason: string } }).error).toMatchObject({ code: 4403, reason: expect.stringMatching(/^Token expired/) });
    } finally {
      await client.close();
    }
  });
});

describe('operators and manufacturers', () => {
  it('signs the first operator in; it gives a manufacturer its login, with which the manufacturer signs in as itself', async () => {
    const operatorSession = (await signIn(OPERATOR.email, OPERATOR.password)).data.signIn;
    expect(operatorSession).toMatchObject({ role: 'OPERATOR' });
    const asOperator = net.as(await lasting(operatorSession.subject, Role.Operator));
    const maker = (await asOperator('mutation { registerManufacturer(input: { name: "Login Mills" }) { id } }')).data.registerManufacturer.id;
    const login = { manufacturerId: maker, email: `mills-${randomUUID().slice(0, 6)}@example.com`, password: 'mills password 2025' };
    const created = await asOperator('mutation($i: CreateManufacturerLoginInput!) { createManufacturerLogin(input: $i) { email manufacturer { id name } } }', { i: login });
    expect(created.data.createManufacturerLogin).toEqual({ email: login.email, manufacturer: { id: maker, name: 'Login Mills' } });
    const again = await asOperator('mutation($i: CreateManufacturerLoginInput!) { createManufacturerLogin(input: $i) { email } }', {
      i: { ...login, email: `other-${login.email}` },
    });
    expect(codeOf(again)).toBe('CONFLICT');

    const session = (await signIn(login.email, login.password)).data.signIn;
    expect(session).toMatchObject({ role: 'MANUFACTURER', subject: maker });
    const own = await net.as(session.accessToken)('query($id: ID!) { manufacturer(id: $id) { name settlements(first: 1) { edges { cursor } } } }', { id: maker });
    expect(own.errors).toBeUndefined();

    const customer = await register();
    const refused = await net.as(await lasting(customer.customer.id, Role.Customer))(
      'mutation($i: CreateManufacturerLoginInput!) { createManufacturerLogin(input: $i) { email } }',
      { i: { ...login, manufacturerId: randomUUID(), email: 'x@example.com' } },
    );
    expect(codeOf(refused)).toBe('FORBIDDEN');
  });

  it('lists customers for the operator, newest first, with their order counts, searchable by name or email', async () => {
    const tag = randomUUID().slice(0, 8);
    const first = await register(`list-${tag}-one`);
    const second = await register(`list-${tag}-two`);
    const operatorToken = await lasting((await signIn(OPERATOR.email, OPERATOR.password)).data.signIn.subject, Role.Operator);
    const page = await net.as(operatorToken)(
      'query($s: String, $after: String) { customers(first: 1, search: $s, after: $after) { edges { node { id name email orderCount } } pageInfo { hasNextPage endCursor } } }',
      { s: `LIST-${tag}` },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data.customers.edges.map((e: any) => e.node)).toEqual([{ id: second.customer.id, name: `Customer list-${tag}-two`, email: second.email, orderCount: 0 }]);
    expect(page.data.customers.pageInfo.hasNextPage).toBe(true);
    const next = await net.as(operatorToken)(
      'query($s: String, $after: String) { customers(first: 1, search: $s, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }',
      { s: `list-${tag}`, after: page.data.customers.pageInfo.endCursor },
    );
    expect(next.data.customers).toEqual({ edges: [{ node: { id: first.customer.id } }], pageInfo: { hasNextPage: false } });
    // A search is a plain substring: wildcards mean themselves.
    expect((await net.as(operatorToken)('{ customers(search: "%") { edges { node { id } } } }')).data.customers.edges).toEqual([]);
    expect(codeOf(await net.as(await lasting(second.customer.id, Role.Customer))('{ customers { edges { node { id } } } }'))).toBe('FORBIDDEN');
  });
});

describe('the signing keys', () => {
  it('are published through the gateway at /.well-known/jwks.json, public halves only', async () => {
    const response = await fetch(new URL('/.well-known/jwks.json', net.gatewayUrl));
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: net.keys.current.kid, alg: 'EdDSA', use: 'sig' }]);
    const header = JSON.parse(Buffer.from((await register()).accessToken.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: net.keys.current.kid, typ: 'JWT' });
  });
});
