/** Who may see and change what in the order service. */
import { Role, customerIdOf, requireIdentity, requireRole, type Identity } from '@distribution/auth';
import { forbidden } from '@distribution/errors';

/**
 * The calling customer's id (lower case, as the database writes uuids): CUSTOMER role only
 * (UNAUTHENTICATED / FORBIDDEN otherwise). An identity provider's subject becomes a UUID (customerIdOf).
 */
export function requireCustomerRole(identity: Identity | null): string {
  return customerIdOf(requireRole(identity, Role.Customer));
}

const isCustomer = (who: Identity, customerId: string) => who.role === Role.Customer && customerIdOf(who) === customerId.toLowerCase();

/** A customer sees only itself; an OPERATOR sees every customer. */
export function assertMaySeeCustomer(identity: Identity | null, customerId: string): void {
  const who = requireIdentity(identity);
  if (who.role === Role.Operator) return;
  if (isCustomer(who, customerId)) return;
  throw forbidden('A customer can only see its own account');
}

/** An order is seen by its customer and by an OPERATOR. */
export function assertMaySeeOrder(identity: Identity | null, order: { customerId: string }): void {
  const who = requireIdentity(identity);
  if (who.role === Role.Operator) return;
  if (isCustomer(who, order.customerId)) return;
  throw forbidden('This order belongs to another customer');
}

/** Before any lookup: only customers and operators read orders. */
export function requireOrderReader(identity: Identity | null): Identity {
  return requireRole(identity, Role.Customer, Role.Operator);
}
