/**
 * One token format for local and external identity: the gateway verifies every token through a JWKS,
 * so pointing it at an identity provider's keys (with that provider's issuer, audience and role
 * claim) is configuration only; and the account service's own keys rotate without a token failing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { Role, customerIdForSubject, generateSigningKey, signToken, type Identity } from '@distribution/auth';
import { startTestIssuer, type TestIssuer } from '@distribution/testkit';
import { startTestNetwork, eventually, type TestNetwork } from './network.js';
import { PLACE_ORDER, createProduct, openRound, registerManufacturer } from './scenario.js';

const ME = '{ me { id cart { lines { quantity } } } }';
const codeOf = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => res.errors?.[0]?.extensions?.code;

describe('an external identity provider', () => {
  const IDP = { issuer: 'https://idp.example.test/realms/shop', audience: 'distribution-web', roleClaim: 'realm_access.roles' };
  let idp: TestIssuer;
  let net: TestNetwork;
  /** What the provider issues: its own issuer and audience, roles in a list among others, no kid of ours. */
  const idpToken = (subject: string, roles: string[], key = idp.keys.current) =>
    new SignJWT({ realm_access: { roles: ['offline_access', ...roles] }, email: `${subject}@idp.example.test` })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setSubject(subject)
      .setIssuer(IDP.issuer)
      .setAudience(IDP.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
  /** The test network's steps (scenario.ts), signed in through the provider rather than with the account service's key. */
  let viaIdp: TestNetwork;

  beforeAll(async () => {
    idp = await startTestIssuer();
    // The same network as everywhere, with the gateway configured for the provider: no code differs.
    net = await startTestNetwork({ jwksUrl: idp.jwksUrl, token: IDP });
    viaIdp = {
      ...net,
      as: (who) => {
        if (!who || typeof who === 'string') return net.as(who);
        const token = idpToken(who.sub, [who.role.toLowerCase()]);
        return (async (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => net.as(await token)(query, variables, headers)) as ReturnType<
          TestNetwork['as']
        >;
      },
    };
  });
  afterAll(async () => {
    await net?.close();
    await idp?.stop();
  });

  it("accepts the provider's tokens with their role claim; a customer orders, and its record links to the provider's subject", async () => {
    const maker = await registerManufacturer(viaIdp);
    const product = await createProduct(viaIdp, maker, { supply: 20, category: `idp-${randomUUID().slice(0, 6)}` });
    await openRound(viaIdp);

    const subject = `idp-user-${randomUUID()}`;
    const customer = { id: customerIdForSubject(subject), token: await idpToken(subject, ['customer']) };
    expect((await net.as(customer.token)(ME)).data.me).toEqual({ id: customer.id, cart: { lines: [] } });
    const placed = await net.as(customer.token)(PLACE_ORDER, { input: { lines: [{ productId: product, quantity: 2 }], idempotencyKey: randomUUID() } });
    expect(placed.data.placeOrder).toMatchObject({ __typename: 'Order', status: 'CONFIRMED' });
    expect(await net.sql('SELECT id::text, subject FROM orders.customer WHERE id = $1', [customer.id])).toEqual([{ id: customer.id, subject }]);
    // The provider holds the customer's name and email: the operator sees the customer without them.
    const seen = await viaIdp.as({ sub: 'idp-operator', role: Role.Operator })('query($id: ID!) { order(id: $id) { customer { id name email registeredAt orderCount } } }', {
      id: placed.data.placeOrder.id,
    });
    expect(seen.errors).toBeUndefined();
    expect(seen.data.order.customer).toEqual({ id: customer.id, name: null, email: null, registeredAt: null, orderCount: 1 });
    // The same subject is the same customer on every sign-in.
    const again = await idpToken(subject, ['customer']);
    expect((await net.as(again)('{ orders(first: 5) { edges { node { id } } } }')).data.orders.edges).toHaveLength(1);
  });

  it('refuses tokens the provider did not sign, or signed for another audience, and tokens without a known role', async () => {
    const ours = await net.tokenFor({ sub: randomUUID(), role: Role.Customer });
    expect(codeOf(await net.as(ours)(ME))).toBe('UNAUTHENTICATED');
    const stranger = await generateSigningKey();
    expect(codeOf(await net.as(await idpToken('mallory', ['operator'], stranger))(ME))).toBe('UNAUTHENTICATED');
    const otherAudience = await new SignJWT({ realm_access: { roles: ['operator'] } })
      .setProtectedHeader({ alg: 'EdDSA', kid: idp.keys.current.kid })
      .setSubject('eve')
      .setIssuer(IDP.issuer)
      .setAudience('another-app')
      .setExpirationTime('5m')
      .sign(idp.keys.current.privateKey);
    expect(codeOf(await net.as(otherAudience)(ME))).toBe('UNAUTHENTICATED');
    expect(codeOf(await net.as(await idpToken('roleless', ['reader']))(ME))).toBe('UNAUTHENTICATED');
  });

  it("publishes the provider's keys at the gateway's /.well-known/jwks.json", async () => {
    const { keys } = (await (await fetch(new URL('/.well-known/jwks.json', net.gatewayUrl))).json()) as { keys: Array<{ kid: string; d?: string }> };
    expect(keys.map((key) => key.kid)).toEqual([idp.keys.current.kid]);
    expect(keys.every((key) => key.d === undefined)).toBe(true);
  });
});

describe('rotating the signing key', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    // The gateway looks at the JWKS again after 200 ms (10 minutes in production): the steps below wait that long, not minutes.
    net = await startTestNetwork({ token: { jwksCooldownMs: 0, jwksCacheMaxAgeMs: 200 } });
  });
  afterAll(async () => net?.close());

  const published = async () => ((await (await fetch(net.services.account.jwksUrl)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);
  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;
  const meAs = async (token: string) => (await net.as(token)('{ me { id } }')).data?.me?.id;

  it('keeps old tokens working through the overlap, signs with the new key, and stops trusting the old one once it is retired', async () => {
    const oldKey = net.keys.current;
    const email = `rotation-${randomUUID().slice(0, 8)}@example.com`;
    const registered = (
      await net.as()('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { accessToken customer { id } } }', {
        i: { name: 'Rotation', email, password: 'rotation password' },
      })
    ).data.registerCustomer;
    const customer: Identity = { sub: registered.customer.id, role: Role.Customer };
    expect(kidOf(registered.accessToken)).toBe(oldKey.kid);
    // A token signed by the old key that lives through every step below.
    const lastingOld = await signToken(customer, oldKey, 300);
    expect(await meAs(lastingOld)).toBe(customer.sub);

    // Step 1: publish the new key beside the old one, which still signs.
    const newKey = await generateSigningKey();
    net.keys.replace([oldKey, newKey]);
    expect(await published()).toEqual([oldKey.kid, newKey.kid]);

    // Step 2 (once every verifier has fetched the set): the new key signs; the old one stays published.
    net.keys.replace([newKey, oldKey]);
    const signedIn = (await net.as()('mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }', { i: { email, password: 'rotation password' } })).data.signIn;
    expect(kidOf(signedIn.accessToken)).toBe(newKey.kid);
    expect(await meAs(signedIn.accessToken)).toBe(customer.sub);
    expect(await meAs(lastingOld)).toBe(customer.sub);
    expect(await meAs(await signToken(customer, oldKey, 300))).toBe(customer.sub);

    // Step 3 (once the old key's tokens have expired): retire it. A token it signs is refused from then on.
    net.keys.replace([newKey]);
    expect(await published()).toEqual([newKey.kid]);
    await eventually(async () => codeOf(await net.as(await signToken(customer, oldKey, 300))('{ me { id } }')) === 'UNAUTHENTICATED', { timeoutMs: 10_000, intervalMs: 250 });
    expect(await meAs(signedIn.accessToken)).toBe(customer.sub);
  });
});
