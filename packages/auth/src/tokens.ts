/** JSON Web Tokens: HS256 with a shared secret locally, a JWKS endpoint in production. */
import { SignJWT, jwtVerify, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '@distribution/errors';
import { ROLES, type Identity, type Role } from './identity.js';

export const TOKEN_ISSUER = 'distribution-network';
export const TOKEN_AUDIENCE = 'distribution-api';

export async function signToken(identity: Identity, secret: string, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.sub)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export interface TokenVerifierOptions {
  /** HS256 shared secret (development and tests). */
  secret?: string;
  /** JWKS URL (production); takes precedence over the secret. */
  jwksUrl?: string;
}

/** A caller whose token verified, and until when it vouches for them. */
export interface VerifiedIdentity extends Identity {
  /** Epoch milliseconds of the token's `exp`; absent for a token without one. */
  expiresAt?: number;
}

export type TokenVerifier = (authorization: string | undefined | null) => Promise<VerifiedIdentity | null>;

/**
 * Builds a verifier for `Authorization: Bearer <jwt>` values. No header means anonymous (null);
 * a header that does not verify is an UNAUTHENTICATED error, never silently anonymous.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  if (options.jwksUrl) key = createRemoteJWKSet(new URL(options.jwksUrl));
  else if (options.secret) key = new TextEncoder().encode(options.secret);
  else throw new Error('A token verifier needs a secret or a JWKS URL');

  return async (authorization) => {
    if (!authorization) return null;
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1]!, key as Uint8Array, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
      const role = payload.role as Role;
      if (!payload.sub || !ROLES.includes(role)) throw new Error('token lacks sub or a known role');
      return typeof payload.exp === 'number' ? { sub: payload.sub, role, expiresAt: payload.exp * 1000 } : { sub: payload.sub, role };
    } catch {
      throw unauthenticated('The token is invalid or expired');
    }
  };
}
