/**
 * A token issuer for tests: signing keys, and their JWKS served over HTTP on a free port, as the
 * account service (or an identity provider) serves it. Tests point a gateway's JWKS URL at it and
 * mint tokens for any identity.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyRing, generateSigningKey, type Identity, type SigningKey } from '@distribution/auth';

export interface TestIssuer {
  jwksUrl: string;
  keys: KeyRing;
  /** A token for `identity` signed with the current key (seconds from now, or a span like '2s'). */
  sign(identity: Identity, expiresIn?: number | string): Promise<string>;
  /** How often the JWKS was fetched. */
  readonly fetches: number;
  stop(): Promise<void>;
}

export async function startTestIssuer(keys?: SigningKey[]): Promise<TestIssuer> {
  const ring = new KeyRing(keys ?? [await generateSigningKey()]);
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify(ring.publicKeySet()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    keys: ring,
    sign: (identity, expiresIn) => ring.sign(identity, expiresIn),
    get fetches() {
      return fetches;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
