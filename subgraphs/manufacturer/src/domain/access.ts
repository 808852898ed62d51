/** Who may change which part of the catalog, and who may read settlements. */
import { Role, requireIdentity, requireRole, type Identity } from '@distribution/auth';
import { badUserInput, forbidden } from '@distribution/errors';
import { isUuid } from '@distribution/db/uuid';

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Only an OPERATOR or a MANUFACTURER changes the catalog (UNAUTHENTICATED / FORBIDDEN otherwise). */
export function requireCatalogEditor(identity: Identity | null): Identity {
  return requireRole(identity, Role.Operator, Role.Manufacturer);
}

/** The manufacturer a new product belongs to: a manufacturer creates for itself, an operator names one. */
export function ownerOfNewProduct(editor: Identity, requested: string | null | undefined): string {
  if (editor.role === Role.Manufacturer) {
    if (requested != null && !sameId(requested, editor.sub)) throw forbidden('A manufacturer creates products only for itself');
    return editor.sub;
  }
  if (requested == null) throw badUserInput('manufacturerId is required when an operator creates a product', { field: 'manufacturerId' });
  return requested;
}

/** Whether `editor` may change the products of manufacturer `ownerId`. */
export function mayChangeProductsOf(editor: Identity, ownerId: string): boolean {
  return editor.role === Role.Operator || (editor.role === Role.Manufacturer && sameId(editor.sub, ownerId));
}

/** Throws FORBIDDEN unless `editor` may change the products of `ownerId`. */
export function requireProductOwner(editor: Identity, ownerId: string): void {
  if (!mayChangeProductsOf(editor, ownerId)) throw forbidden('A manufacturer changes only its own products');
}

/**
 * The manufacturer whose products an editor's change is limited to (for the WHERE clause of an
 * atomic UPDATE), or null for an operator, who may change any product.
 */
export function ownerRestriction(editor: Identity): string | null {
  if (editor.role === Role.Operator) return null;
  // A manufacturer identity that is not an id owns nothing.
  if (!isUuid(editor.sub)) throw forbidden('A manufacturer changes only its own products');
  return editor.sub.toLowerCase();
}

/** Settlements are read by their manufacturer and by the operator only. */
export function requireSettlementReader(identity: Identity | null, manufacturerId: string): void {
  const who = requireIdentity(identity);
  if (who.role === Role.Operator) return;
  if (who.role === Role.Manufacturer && sameId(who.sub, manufacturerId)) return;
  throw forbidden('Settlements are visible only to their manufacturer and the operator');
}
