/** Who may see which account. */
import { Role, customerIdOf, requireIdentity, type Identity } from '@distribution/auth';
import { forbidden } from '@distribution/errors';

/** A customer sees only itself; an OPERATOR sees every customer. */
export function assertMaySeeCustomer(identity: Identity | null, customerId: string): void {
  const who = requireIdentity(identity);
  if (who.role === Role.Operator) return;
  if (who.role === Role.Customer && customerIdOf(who) === customerId.toLowerCase()) return;
  throw forbidden('A customer can only see its own account');
}
