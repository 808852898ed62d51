import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { availabilityChanged, lowStock, outcomeEvent, roundClosed, roundSettled, stockDepleted } from '../src/events/payloads.js';
import type { StockRow } from '../src/domain/stock.js';
import { availabilityFilter, matchesFilter } from '../src/live/filters.js';
import { liveNotificationsOf, MAX_PAYLOAD_BYTES, readLiveNotification } from '../src/live/notifications.js';

const row = (productId: string = randomUUID(), extra: Partial<StockRow> = {}): StockRow => ({
  productId,
  manufacturerId: randomUUID(),
  category: 'tea',
  onHand: 5,
  reserved: 5,
  lowStockThreshold: 2,
  roundNumber: 3,
  ...extra,
});
const at = new Date('2030-01-02T03:04:05.000Z');

describe('what a transaction announces on the live channel', () => {
  it('fits any number of changed products into payloads under the NOTIFY limit, in order', () => {
    const rows = Array.from({ length: 1000 }, () => row());
    const payloads = liveNotificationsOf(rows.map(availabilityChanged), at);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const ids = payloads.map(readLiveNotification).flatMap((n) => (n?.kind === 'stock' ? n.productIds : []));
    expect(ids).toEqual(rows.map((r) => r.productId));
  });

  it('tells low stock, depletion facts and rounds apart, once each, and ignores what watchers do not see', () => {
    const depleted = row();
    const payloads = liveNotificationsOf(
      [
        roundClosed(3, at, 'OPERATOR', []),
        roundSettled(3),
        availabilityChanged(depleted),
        stockDepleted(depleted),
        lowStock(depleted),
        outcomeEvent({ kind: 'RELEASED', orderId: randomUUID(), lines: [] }),
      ],
      at,
    );
    expect(payloads.map(readLiveNotification)).toEqual([
      { kind: 'round', roundNumbers: [3] },
      { kind: 'stock', productIds: [depleted.productId] },
      { kind: 'low', productIds: [depleted.productId] },
      { kind: 'depleted', facts: [{ productId: depleted.productId, manufacturerId: depleted.manufacturerId, roundNumber: 3, at: at.toISOString() }] },
    ]);
    expect(liveNotificationsOf([outcomeEvent({ kind: 'RELEASED', orderId: randomUUID(), lines: [] })], at)).toEqual([]);
  });

  it('does not understand garbage', () => {
    for (const text of ['', 'nope', '{"kind":"stock"}', '{"kind":"round","numbers":["1"]}', '{"kind":"other"}', 'null']) {
      expect(readLiveNotification(text)).toBeNull();
    }
  });
});

describe('which products a subscription watches', () => {
  it('matches ids (whatever their case) and/or a category; neither matches everything', () => {
    const tea = row(randomUUID().toUpperCase());
    expect(matchesFilter(availabilityFilter({}), tea)).toBe(true);
    expect(matchesFilter(availabilityFilter({ productIds: [tea.productId.toLowerCase()] }), tea)).toBe(true);
    expect(matchesFilter(availabilityFilter({ productIds: [randomUUID()] }), tea)).toBe(false);
    expect(matchesFilter(availabilityFilter({ category: 'tea' }), tea)).toBe(true);
    expect(matchesFilter(availabilityFilter({ category: 'coffee' }), tea)).toBe(false);
    expect(matchesFilter(availabilityFilter({ productIds: [tea.productId], category: 'coffee' }), tea)).toBe(false);
  });
});
