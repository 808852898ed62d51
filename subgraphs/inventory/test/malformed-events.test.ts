import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { ORDERS_CONSUMER } from '../src/events/order-events.js';
import { capturingLogger, openInspector, orderPlaced, published, startFakeProducer, startInventory, type FakeProducer, type InventoryUnderTest } from './support/harness.js';

describe('an order event the contract refuses', () => {
  const log = capturingLogger();
  let inventory: InventoryUnderTest;
  let orders: FakeProducer;
  let inspector: ServiceDatabase;

  beforeAll(async () => {
    const url = await createTestDatabase('inv_malformed');
    orders = await startFakeProducer(url, 'order_fake');
    inventory = await startInventory(url, { logger: log.logger });
    inspector = await openInspector(url);
  });
  afterAll(async () => {
    await inventory?.service.stop();
    await Promise.all([orders?.stop(), inspector?.close()]);
  });

  it('is parked at once with its parse error, reserves nothing, and the next order is answered', async () => {
    const [broken, next] = [randomUUID(), randomUUID()];
    // A quantity as text, as a producer of another version might send: nothing in TypeScript lets ours write it.
    const payload = { orderId: broken, customerId: randomUUID(), lines: [{ productId: randomUUID(), quantity: '2', unitPriceCents: 250 }] };
    await orders.database.transaction((m) =>
      m.query(`INSERT INTO outbox (event_id, type, version, payload) VALUES (gen_random_uuid(), 'OrderPlaced', 1, $1::jsonb)`, [JSON.stringify(payload)]),
    );
    await orders.publish(orderPlaced(next, [[randomUUID(), 1]]));

    // Bus order: once the next order is answered, the broken one before it has been dealt with.
    const answered = await eventually(async () => {
      const outcomes = (await published(inspector, ['StockReserved', 'StockRejected'])).filter((o) => o.payload.orderId === next);
      return outcomes.length ? outcomes : null;
    });
    expect(answered).toHaveLength(1);
    expect(await inspector.query('SELECT consumer, type, attempts, error FROM parked_event')).toEqual([
      { consumer: ORDERS_CONSUMER, type: 'OrderPlaced', attempts: 1, error: expect.stringMatching(/lines\[0\]\.quantity: .*number/) },
    ]);
    expect((await published(inspector, ['StockReserved', 'StockRejected'])).filter((o) => o.payload.orderId === broken)).toEqual([]);
    // Parked without a failed batch or a retry: the only problem logged is the parking.
    expect(log.problems().map((p) => p.msg)).toEqual(['event parked: the contract cannot read it']);
  });
});
