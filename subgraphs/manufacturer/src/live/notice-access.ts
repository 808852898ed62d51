/** Whose notices a caller may watch: a manufacturer its own, the operator anyone's; customers and anonymous callers none. */
import { Role, requireIdentity, type Identity } from '@distribution/auth';
import { badUserInput, forbidden } from '@distribution/errors';
import { isUuid } from '@distribution/db';

/**
 * The manufacturer whose notices to send (lower-cased), or null for every manufacturer's
 * (an operator who names none). UNAUTHENTICATED, FORBIDDEN or BAD_USER_INPUT otherwise.
 */
export function noticeScope(identity: Identity | null, requested: string | null | undefined): string | null {
  const who = requireIdentity(identity);
  if (who.role === Role.Manufacturer) {
    const own = who.sub.toLowerCase();
    // A manufacturer identity that is not an id makes nothing, so it has no notices to watch.
    if (!isUuid(own) || (requested != null && requested.toLowerCase() !== own)) throw forbidden('A manufacturer watches only its own notices');
    return own;
  }
  if (who.role !== Role.Operator) throw forbidden('Notices are for manufacturers and the operator');
  if (requested == null) return null;
  if (!isUuid(requested)) throw badUserInput('manufacturerId is not a manufacturer id', { argument: 'manufacturerId' });
  return requested.toLowerCase();
}
