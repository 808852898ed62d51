/** What a customer may ask for when ordering: limits and checks on requested lines (pure). */
import { isUuid } from '@distribution/db/uuid';

export const LIMITS = {
  maxQuantity: 10_000,
  maxLines: 50,
  idempotencyKeyMin: 8,
  idempotencyKeyMax: 100,
} as const;

export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** Why `quantity` is not acceptable, or null. With `zeroRemoves`, 0 is accepted (it means remove). */
export function checkQuantity(quantity: number, options: { zeroRemoves?: boolean } = {}): string | null {
  const min = options.zeroRemoves ? 0 : 1;
  if (!Number.isInteger(quantity) || quantity < min || quantity > LIMITS.maxQuantity) {
    return options.zeroRemoves ? `quantity must be between 0 (remove) and ${LIMITS.maxQuantity}` : `quantity must be at least 1 and at most ${LIMITS.maxQuantity}`;
  }
  return null;
}

export function checkIdempotencyKey(key: string): string | null {
  if (key.length < LIMITS.idempotencyKeyMin || key.length > LIMITS.idempotencyKeyMax) {
    return `idempotencyKey must be ${LIMITS.idempotencyKeyMin} to ${LIMITS.idempotencyKeyMax} characters`;
  }
  return null;
}

export type LinesCheck = { ok: true; lines: RequestedLine[] } | { ok: false; problem: string; field: string };

/**
 * Checks the lines of an order: 1 to 50, valid product ids, valid quantities. The same product
 * twice is refused rather than merged: whether the client meant "add" or "replace" is a guess.
 */
export function checkOrderLines(lines: RequestedLine[]): LinesCheck {
  if (lines.length === 0) return { ok: false, problem: 'An order needs at least one line', field: 'lines' };
  if (lines.length > LIMITS.maxLines) return { ok: false, problem: `An order has at most ${LIMITS.maxLines} lines`, field: 'lines' };
  const seen = new Set<string>();
  const normalized: RequestedLine[] = [];
  for (const [i, line] of lines.entries()) {
    if (!isUuid(line.productId)) return { ok: false, problem: 'productId is not a valid id', field: `lines[${i}].productId` };
    const problem = checkQuantity(line.quantity);
    if (problem) return { ok: false, problem, field: `lines[${i}].quantity` };
    const productId = line.productId.toLowerCase();
    if (seen.has(productId)) return { ok: false, problem: `Product ${productId} appears more than once; send one line per product`, field: `lines[${i}].productId` };
    seen.add(productId);
    normalized.push({ productId, quantity: line.quantity });
  }
  return { ok: true, lines: normalized };
}

/** Whether two requests ask for the same thing (the order of lines does not matter). */
export function sameLines(a: RequestedLine[], b: RequestedLine[]): boolean {
  if (a.length !== b.length) return false;
  const wanted = new Map(a.map((l) => [l.productId.toLowerCase(), l.quantity]));
  return b.every((l) => wanted.get(l.productId.toLowerCase()) === l.quantity);
}

export type LineChangeDecision = { kind: 'change'; currentQuantity: number } | { kind: 'unchanged' } | { kind: 'refused'; problem: string };

/** Decides what changing one line of an order to `quantity` means (0 removes the line). */
export function checkLineChange(lines: RequestedLine[], productId: string, quantity: number): LineChangeDecision {
  const line = lines.find((l) => l.productId.toLowerCase() === productId.toLowerCase());
  if (!line) return { kind: 'refused', problem: 'This order has no line for that product' };
  if (line.quantity === quantity) return { kind: 'unchanged' };
  if (quantity === 0 && lines.length === 1) return { kind: 'refused', problem: 'This is the order’s last line: cancel the order instead' };
  return { kind: 'change', currentQuantity: line.quantity };
}

export type PlaceOrderRequest =
  | { ok: true; fromCart: true; idempotencyKey: string }
  | { ok: true; fromCart: false; lines: RequestedLine[]; idempotencyKey: string }
  | { ok: false; problem: string; field: string };

/** Checks placeOrder's input: explicit lines or the cart (exactly one of them), and the idempotency key. */
export function checkPlaceOrderRequest(input: { lines?: RequestedLine[] | null; fromCart?: boolean | null; idempotencyKey: string }): PlaceOrderRequest {
  const keyProblem = checkIdempotencyKey(input.idempotencyKey);
  if (keyProblem) return { ok: false, problem: keyProblem, field: 'idempotencyKey' };
  const hasLines = input.lines !== null && input.lines !== undefined;
  if (input.fromCart === true) {
    if (hasLines) return { ok: false, problem: 'Send either lines or fromCart: true, not both', field: 'lines' };
    return { ok: true, fromCart: true, idempotencyKey: input.idempotencyKey };
  }
  if (!hasLines) return { ok: false, problem: 'Send the lines to order, or fromCart: true to order the cart', field: 'lines' };
  const lines = checkOrderLines(input.lines!);
  if (!lines.ok) return lines;
  return { ok: true, fromCart: false, lines: lines.lines, idempotencyKey: input.idempotencyKey };
}
