/**
 * Which customer a token speaks for. Our own tokens carry the customer id (a UUID) as `sub`; an
 * external identity provider's carry its own subject ("auth0|5f7c…"), which becomes a customer id
 * by a name-based UUID (RFC 4122 version 5): the same subject is always the same customer, with no
 * lookup and no table shared between services. The order service keeps the subject beside the id.
 */
import { createHash } from 'node:crypto';
import type { Identity } from './identity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** The namespace of customer ids made from external subjects (a random UUID, fixed for good). */
const EXTERNAL_SUBJECT_NAMESPACE = '6f1d4c52-3f7e-4b0a-9d35-8c2b7e51a0c4';

/** The customer id for a token subject: the subject itself when it is a UUID, else its version-5 UUID. */
export function customerIdForSubject(subject: string): string {
  if (UUID.test(subject)) return subject.toLowerCase();
  const hash = createHash('sha1')
    .update(Buffer.from(EXTERNAL_SUBJECT_NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(subject, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The customer id of a CUSTOMER identity (see customerIdForSubject). */
export const customerIdOf = (identity: Identity): string => customerIdForSubject(identity.sub);
