/**
 * Which notices inventory's events mean for manufacturers (pure). StockReserved v1: one SOLD
 * notice per line that took units, to the manufacturer that makes the line's product (per our
 * own catalog). StockDepleted v1: one DEPLETED notice. Payloads as the contract reads them.
 */
import { EventType } from '@distribution/contracts';
import type { DomainEvent } from '@distribution/events';
import type { Notice } from './notices.js';

/** Notices are news: an event older than this (a first start over an old bus, a long outage) is not announced any more. */
export const NOTICE_MAX_AGE_MS = 10 * 60_000;

/** The events notices are made of. */
export const STOCK_FACTS = { [EventType.StockReserved]: [1], [EventType.StockDepleted]: [1] } as const;
export type StockEvent = DomainEvent<keyof typeof STOCK_FACTS>;

interface ReadLine {
  productId: string;
  quantity: number;
}
export interface StockFact {
  event: StockEvent;
  roundNumber: number;
  lines: ReadLine[];
  kind: 'SOLD' | 'DEPLETED';
}

/**
 * Reads StockReserved or StockDepleted; null when there is nothing to announce. A new order's
 * lines are sales of their quantity. A changed order line (changeId set) carries its new total,
 * and `delta`, what the change added or released: only added units (delta > 0) are a sale. A
 * change without `delta` (written before it existed) tells no sale.
 */
export function readStockFact(event: StockEvent): StockFact | null {
  if (event.type === EventType.StockDepleted) {
    const p = event.payload;
    if (p.roundNumber === null) return null;
    return { event, kind: 'DEPLETED', roundNumber: p.roundNumber, lines: [{ productId: p.productId, quantity: 0 }] };
  }
  const p = event.payload;
  const changed = p.changeId !== null;
  const lines = p.lines.map((line) => ({ productId: line.productId, quantity: changed ? Math.max(line.delta ?? 0, 0) : line.quantity }));
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
        kind: fact.kind,
        manufacturerId,
        productId: line.productId,
        quantity: fact.kind === 'SOLD' ? line.quantity : null,
        roundNumber: fact.roundNumber,
        settlementId: null,
        at: fact.event.occurredAt,
      });
    }
  }
  return notices;
}

export const isRecent = (event: Pick<DomainEvent, 'occurredAt'>, now: number) => now - new Date(event.occurredAt).getTime() <= NOTICE_MAX_AGE_MS;
