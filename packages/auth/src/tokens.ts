/**
 * JSON Web Tokens: signed with an asymmetric key (keys.ts), verified through a JWKS, the same way
 * whether the issuer is our account service or an external identity provider.
 */
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { tokenKeysUnavailable, unauthenticated } from '@distribution/errors';
import { ROLES, type Identity, type Role } from './identity.js';
import { SIGNING_ALGORITHM, publicKeySet, type SigningKey } from './keys.js';

export const TOKEN_ISSUER = 'distribution-network';
export const TOKEN_AUDIENCE = 'distribution-api';
/** Access tokens are short: a stolen one is worth little, and sessions end on time. */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 15 * 60;
/** Asymmetric algorithms only: a JWKS never holds a shared secret, so HS256 is refused outright. */
export const VERIFIED_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256'];

/**
 * Signs an access token for `identity` with `key` (its kid in the header). `expiresIn` is seconds
 * from now, a jose time span such as '15m', or the moment itself.
 */
export async function signToken(identity: Identity, key: SigningKey, expiresIn: number | string | Date = DEFAULT_ACCESS_TOKEN_SECONDS): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(key.privateKey);
}

/** Mints a token for any identity: the development key ring in tests and tools, never a request path. */
export type TokenSigner = (identity: Identity, expiresIn?: number | string) => Promise<string>;

/** The keys a signer holds: the first signs, all are published (two during a rotation's overlap). */
export class KeyRing {
  private held: SigningKey[] = [];

  constructor(keys: readonly SigningKey[]) {
    this.replace(keys);
  }

  get current(): SigningKey {
    return this.held[0]!;
  }

  get keys(): readonly SigningKey[] {
    return this.held;
  }

  /** Rotation: the new list's first key signs from now on; keys left out are no longer published. */
  replace(keys: readonly SigningKey[]): void {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
    this.held = [...keys];
  }

  publicKeySet(): JSONWebKeySet {
    return publicKeySet(this.held);
  }

  sign(identity: Identity, expiresIn?: number | string | Date): Promise<string> {
    return signToken(identity, this.current, expiresIn);
  }
}

export interface TokenVerifierOptions {
  /** Where the issuer publishes its keys (our account service, or an identity provider). */
  jwksUrl?: string;
  /** A key set in hand instead of a URL. */
  jwks?: JSONWebKeySet;
  /** The `iss` tokens must carry (default: our account service's). */
  issuer?: string;
  /** The `aud` tokens must carry (default: this API). */
  audience?: string;
  /** Where the role is in the token: a claim name or a dotted path (`realm_access.roles`); a string or a list. */
  roleClaim?: string;
  /** How long fetched keys are trusted before they are fetched again (default 10 minutes). */
  jwksCacheMaxAgeMs?: number;
  /** The least time between two fetches, also when a token names an unknown kid (default 30 s). */
  jwksCooldownMs?: number;
  /** How long one fetch of the JWKS may take (default 5 s). */
  jwksTimeoutMs?: number;
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
  let keys: JWTVerifyGetKey;
  if (options.jwks) keys = createLocalJWKSet(options.jwks);
  else if (options.jwksUrl) {
    keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    });
  } else throw new Error('A token verifier needs a JWKS URL or a key set');
  const issuer = options.issuer ?? TOKEN_ISSUER;
  const audience = options.audience ?? TOKEN_AUDIENCE;
  const roleClaim = options.roleClaim ?? 'role';

  return async (authorization) => {
    if (!authorization) return null;
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1]!, keys, { issuer, audience, algorithms: VERIFIED_ALGORITHMS });
      const role = roleOf(payload, roleClaim);
      if (!payload.sub || !role) throw new Error('token lacks sub or a known role');
      return typeof payload.exp === 'number' ? { sub: payload.sub, role, expiresAt: payload.exp * 1000 } : { sub: payload.sub, role };
    } catch (error) {
      // A token is not bad because its keys are out of reach: the caller must not throw it away.
      if (keySourceDown(error)) throw tokenKeysUnavailable();
      throw unauthenticated('The token is invalid or expired');
    }
  };
}

/** The JWKS could not be fetched (timeout, refused connection, an answer other than a key set). */
function keySourceDown(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  return error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set HTTP response/.test(error.message);
}

/** The first known role at `path` in the claims: a string or a list of strings, in any case. */
export function roleOf(payload: JWTPayload, path: string): Role | undefined {
  let value: unknown = payload;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  const candidates = Array.isArray(value) ? value : [value];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const role = candidate.toUpperCase() as Role;
    if (ROLES.includes(role)) return role;
  }
  return undefined;
}
