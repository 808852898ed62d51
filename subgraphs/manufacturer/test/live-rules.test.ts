import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stockDepleted, stockReserved, type NewEvent } from '@distribution/contracts';
import type { DomainEvent } from '@distribution/events';
import { Role } from '@distribution/auth';
import { noticeScope } from '../src/live/notice-access.js';
import { MAX_PAYLOAD_BYTES, noticePayloads, readNotices, type Notice } from '../src/live/notices.js';
import { isRecent, NOTICE_MAX_AGE_MS, noticesOf, readStockFact } from '../src/live/sales-notices.js';

/** A StockReserved or StockDepleted as the consumer receives it, made by the contract's builder. */
const received = <E extends NewEvent<'StockReserved' | 'StockDepleted'>>(built: E) =>
  ({ id: randomUUID(), source: 'inventory', occurredAt: '2030-01-01T00:00:00.000Z', position: 1, ...built }) as DomainEvent<E['type']>;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
};

describe('whose notices a caller may watch', () => {
  const m = randomUUID();
  it('gives a manufacturer its own, the operator anyone’s, and refuses the rest', () => {
    expect(noticeScope({ role: Role.Manufacturer, sub: m.toUpperCase() }, null)).toBe(m);
    expect(noticeScope({ role: Role.Manufacturer, sub: m }, m.toUpperCase())).toBe(m);
    expect(noticeScope({ role: Role.Operator, sub: 'op' }, undefined)).toBeNull();
    expect(noticeScope({ role: Role.Operator, sub: 'op' }, m.toUpperCase())).toBe(m);
    expect(codeOf(() => noticeScope(null, null))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => noticeScope({ role: Role.Customer, sub: m }, null))).toBe('FORBIDDEN');
    expect(codeOf(() => noticeScope({ role: Role.Manufacturer, sub: m }, randomUUID()))).toBe('FORBIDDEN');
    expect(codeOf(() => noticeScope({ role: Role.Manufacturer, sub: 'not-an-id' }, null))).toBe('FORBIDDEN');
    expect(codeOf(() => noticeScope({ role: Role.Operator, sub: 'op' }, 'nope'))).toBe('BAD_USER_INPUT');
  });
});

describe('notices on the wire', () => {
  it('split many notices over payloads under the NOTIFY limit, and read back in order', () => {
    const notices: Notice[] = Array.from({ length: 300 }, (_, i) => ({
      kind: 'SOLD',
      manufacturerId: randomUUID(),
      productId: randomUUID(),
      quantity: i,
      roundNumber: 2,
      settlementId: null,
      at: new Date().toISOString(),
    }));
    const payloads = noticePayloads(notices);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(payloads.flatMap(readNotices)).toEqual(notices);
    expect(readNotices('garbage')).toEqual([]);
    expect(readNotices('[{"kind":"OTHER","manufacturerId":"m","at":"t"}]')).toEqual([]);
  });
});

describe('what inventory’s events mean for manufacturers', () => {
  const [acme, drill, saw, foreign] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const makers = new Map([
    [drill, acme],
    [saw, acme],
  ]);

  it('makes one SOLD notice per line of a new reservation and one DEPLETED per depletion, leaving out products it does not make', () => {
    const sold = received(
      stockReserved({
        orderId: randomUUID(),
        changeId: null,
        roundNumber: 3,
        lines: [
          { productId: drill, quantity: 2 },
          { productId: foreign, quantity: 1 },
          { productId: saw, quantity: 5 },
        ],
      }),
    );
    const gone = received(stockDepleted({ productId: saw, manufacturerId: acme, category: 'Tools', roundNumber: 3 }));
    const facts = [readStockFact(sold)!, readStockFact(gone)!];
    expect(noticesOf(facts, makers)).toEqual([
      { kind: 'SOLD', manufacturerId: acme, productId: drill, quantity: 2, roundNumber: 3, settlementId: null, at: sold.occurredAt },
      { kind: 'SOLD', manufacturerId: acme, productId: saw, quantity: 5, roundNumber: 3, settlementId: null, at: sold.occurredAt },
      { kind: 'DEPLETED', manufacturerId: acme, productId: saw, quantity: null, roundNumber: 3, settlementId: null, at: gone.occurredAt },
    ]);
  });

  it('makes a changed line a sale of the units it added (its delta), and nothing of units released or of a change without delta', () => {
    const changed = (line: { delta?: number }) =>
      received(stockReserved({ orderId: randomUUID(), changeId: randomUUID(), roundNumber: 3, lines: [{ productId: drill, quantity: 7, ...line }] }));
    const grown = changed({ delta: 3 });
    expect(noticesOf([readStockFact(grown)!], makers)).toEqual([
      { kind: 'SOLD', manufacturerId: acme, productId: drill, quantity: 3, roundNumber: 3, settlementId: null, at: grown.occurredAt },
    ]);
    expect(readStockFact(changed({ delta: -2 }))).toBeNull();
    expect(readStockFact(changed({ delta: 0 }))).toBeNull();
    expect(readStockFact(changed({}))).toBeNull();
  });

  it('leaves out old news (malformed events never get here: the bus parks them, see packages/contracts)', () => {
    const now = Date.parse('2030-01-01T00:00:00.000Z');
    const gone = received(stockDepleted({ productId: drill, manufacturerId: acme, category: 'Tools', roundNumber: 3 }));
    expect(isRecent(gone, now + NOTICE_MAX_AGE_MS)).toBe(true);
    expect(isRecent(gone, now + NOTICE_MAX_AGE_MS + 1)).toBe(false);
  });
});
