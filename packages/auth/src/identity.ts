/** Who is calling, as the gateway tells the subgraphs. */
import { timingSafeEqual } from 'node:crypto';
import { forbidden, unauthenticated } from '@distribution/errors';

export const Role = { Operator: 'OPERATOR', Manufacturer: 'MANUFACTURER', Customer: 'CUSTOMER' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

/** `sub` is the manufacturer id for MANUFACTURER and the customer id for CUSTOMER. */
export interface Identity {
  sub: string;
  role: Role;
}

/** Headers only the gateway may set; subgraphs trust them only next to the internal credential. */
export const IdentityHeader = {
  Subject: 'x-identity-sub',
  Role: 'x-identity-role',
  InternalCredential: 'x-internal-credential',
} as const;

export function identityToHeaders(identity: Identity | null, internalCredential: string): Record<string, string> {
  const headers: Record<string, string> = { [IdentityHeader.InternalCredential]: internalCredential };
  if (identity) {
    headers[IdentityHeader.Subject] = identity.sub;
    headers[IdentityHeader.Role] = identity.role;
  }
  return headers;
}

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null | undefined };
function header(headers: HeaderBag, name: string): string | undefined {
  const value =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null | undefined }).get(name)
      : (headers as Record<string, string | string[] | undefined>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ?? undefined;
}

export function hasInternalCredential(headers: HeaderBag, expected: string): boolean {
  const given = header(headers, IdentityHeader.InternalCredential);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The identity the gateway forwarded, or null for an anonymous caller. */
export function identityFromHeaders(headers: HeaderBag): Identity | null {
  const sub = header(headers, IdentityHeader.Subject);
  const role = header(headers, IdentityHeader.Role) as Role | undefined;
  if (!sub || !role || !ROLES.includes(role)) return null;
  return { sub, role };
}

/** Throws UNAUTHENTICATED when nobody is signed in. */
export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw unauthenticated();
  return identity;
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless the caller has one of the roles. */
export function requireRole(identity: Identity | null, ...roles: Role[]): Identity {
  const who = requireIdentity(identity);
  if (!roles.includes(who.role)) throw forbidden(`This needs the role ${roles.join(' or ')}`);
  return who;
}
