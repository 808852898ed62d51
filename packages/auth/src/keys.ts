/**
 * Asymmetric signing keys (Ed25519, JWS algorithm EdDSA) and the JSON Web Key Set that publishes
 * their public halves. The private halves live only where tokens are signed (the account service,
 * and development tools); everyone else verifies through the JWKS.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';

export const SIGNING_ALGORITHM = 'EdDSA';

/** One key pair, named by `kid` (its RFC 7638 thumbprint) in every token it signs. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half as published in the JWKS (with kid, alg and use). */
  publicJwk: JWK;
  /** The private half as a JWK, for a key file or an environment variable. */
  privateJwk: JWK;
}

/** A fresh Ed25519 key pair. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  return signingKeyFromJwk(await exportJWK(privateKey));
}

/** A key from its private JWK (`kty` OKP, `crv` Ed25519, with `d`); throws on anything else. */
export async function signingKeyFromJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new Error('a signing key must be a private Ed25519 JWK (kty OKP, crv Ed25519, with d and x)');
  }
  const publicPart: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const kid = await calculateJwkThumbprint(publicPart);
  const privateKey = (await importJWK({ ...jwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM)) as CryptoKey;
  return {
    kid,
    privateKey,
    publicJwk: { ...publicPart, kid, alg: SIGNING_ALGORITHM, use: 'sig' },
    privateJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid },
  };
}

/** Keys from JSON text: a JWK Set (`{"keys": [...]}`) or one JWK. The first key signs. */
export async function parseSigningKeys(text: string): Promise<SigningKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('signing keys must be JSON: a JWK Set {"keys": [...]} of private Ed25519 keys');
  }
  const jwks = Array.isArray((parsed as JSONWebKeySet)?.keys) ? (parsed as JSONWebKeySet).keys : [parsed as JWK];
  if (jwks.length === 0) throw new Error('the signing key set is empty');
  return Promise.all(jwks.map(signingKeyFromJwk));
}

/** Keys as the JSON a key file or ACCOUNT_SIGNING_KEYS holds (private halves: keep it secret). */
export function formatSigningKeys(keys: readonly SigningKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.privateJwk) });
}

/** The public JWKS of `keys`, as `/.well-known/jwks.json` serves it. */
export function publicKeySet(keys: readonly SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) };
}
