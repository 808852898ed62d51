/**
 * Which notices inventory's events mean for manufacturers (pure). StockReserved v1: one SOLD
 * notice per line that took units, to the manufacturer that makes the line's product (per our
 * own catalog). StockDepleted v1: one DEPLETED notice. Payloads as packages/events/PROTOCOL.md
 * describes them.
 */
import type { DomainEvent } from '@distribution/events';
import { isUuid } from '@distribution/db';
import type { Notice } from './notices.js';

/** Notices are news: an event older than this (a first start over an old bus, a long outage) is not announced any more. */
export const NOTICE_MAX_AGE_MS = 10 * 60_000;

/** An event this service cannot read; the bus retries it and then parks it for an operator. */
export class MalformedStockEvent extends Error {
  constructor(event: Pick<DomainEvent, 'type' | 'id' | 'version'>, why: string) {
    super(`${event.type} v${event.version} (${event.id}) cannot be announced: ${why}`);
    this.name = 'MalformedStockEvent';
  }
}

interface ReadLine { productId: string; quantity: number }
export interface StockFact { event: DomainEvent; roundNumber: number; lines: ReadLine[]; kind: 'SOLD' | 'DEPLETED' }

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Reads StockReserved or StockDepleted; null when there is nothing to announce. A new order's
 * lines are sales of their quantity. A changed order line (changeId set) carries its new total,
 * and `delta`, what the change added or released: only added units (delta > 0) are a sale. A
 * change without `delta` (written before it existed) tells no sale.
 */
export function readStockFact(event: DomainEvent): StockFact | null {
  const fail = (why: string): never => { throw new MalformedStockEvent(event, why); };
  if (event.version !== 1) fail('only version 1 is understood');
  const p = (event.payload ?? {}) as Record<string, any>;
  if (event.type === 'StockDepleted') {
    if (!isUuid(p.productId)) fail('productId is not a UUID');
    if (p.roundNumber == null) return null;
    if (!isCount(p.roundNumber)) fail('roundNumber is not a round number');
    return { event, kind: 'DEPLETED', roundNumber: p.roundNumber, lines: [{ productId: p.productId.toLowerCase(), quantity: 0 }] };
  }
  if (event.type !== 'StockReserved') return fail('not a stock event');
  if (!isCount(p.roundNumber)) fail('roundNumber is not a round number');
  if (!Array.isArray(p.lines)) fail('lines is not a list');
  const changed = p.changeId != null;
  const lines = (p.lines as any[]).map((line, i) => {
    if (!isUuid(line?.productId) || !isCount(line?.quantity)) fail(`lines[${i}] needs a productId and a quantity`);
    if (changed && line.delta !== undefined && !Number.isSafeInteger(line.delta)) fail(`lines[${i}].delta is not an integer`);
    const sold = changed ? Math.max(line.delta ?? 0, 0) : line.quantity;
    return { productId: (line.productId as string).toLowerCase(), quantity: sold as number };
  });
  if (lines.every((line) => line.quantity === 0)) return null;
  return { event, kind: 'SOLD', roundNumber: p.roundNumber, lines };
}

/** The notices of `facts`, in their order; a product we do not make (or no longer know) is left out. */
export function noticesOf(facts: readonly StockFact[], makerOf: ReadonlyMap<string, string>): Notice[] {
  const notices: Notice[] = [];
  for (const fact of facts) {
    for (const line of fact.lines) {
      const manufacturerId = makerOf.get(line.productId);
      if (!manufacturerId || (fact.kind === 'SOLD' && line.quantity === 0)) continue;
      notices.push({
        kind: fact.kind, manufacturerId, productId: line.productId, quantity: fact.kind === 'SOLD' ? line.quantity : null,
        roundNumber: fact.roundNumber, settlementId: null, at: fact.event.occurredAt,
      });
    }
  }
  return notices;
}

export const isRecent = (event: DomainEvent, now: number) => now - new Date(event.occurredAt).getTime() <= NOTICE_MAX_AGE_MS;
