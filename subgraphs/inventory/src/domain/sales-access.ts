/**
 * Who may read what a round sold. Units sold and revenue are a manufacturer's business figures,
 * shown to it in its settlements: the operator sees every line, a manufacturer its own lines
 * only, and customers and anonymous callers none (refused, not shown an empty list, so that a
 * client can tell "not yours" from "nothing sold").
 */
import { Role, requireIdentity, type Identity } from '@distribution/auth';
import { forbidden } from '@distribution/errors';
import type { RoundSale } from './rounds.js';

const REFUSAL = 'Round sales are visible only to the operator and, line by line, to the manufacturer they belong to';

/** UNAUTHENTICATED when signed out, FORBIDDEN for a customer; the operator or a manufacturer otherwise. */
export function requireSalesReader(identity: Identity | null): Identity {
  const who = requireIdentity(identity);
  if (who.role !== Role.Operator && who.role !== Role.Manufacturer) throw forbidden(REFUSAL);
  return who;
}

/** The lines of `sales` that `reader` (checked by requireSalesReader) may see. */
export function salesVisibleTo(reader: Identity, sales: readonly RoundSale[]): RoundSale[] {
  if (reader.role === Role.Operator) return [...sales];
  const own = reader.sub.toLowerCase();
  return sales.filter((sale) => sale.manufacturerId.toLowerCase() === own);
}
