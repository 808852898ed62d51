/** Events parked on purpose, one consumer per service: what the bus console's tests retry, discard and hear of. */
import { randomUUID } from 'node:crypto';
import { eventually, type TestNetwork } from './network.js';

export const BUS_SERVICES = ['inventory', 'order', 'manufacturer'] as const;
export type BusService = (typeof BUS_SERVICES)[number];

/**
 * For each service, a producer schema and an event type only one of that service's consumers reads:
 * an event of version 99 (which no contract defines) is parked by it at once.
 */
const UNREADABLE: Record<BusService, { producer: string; type: string; consumer: string }> = {
  inventory: { producer: 'orders', type: 'OrderPlaced', consumer: 'inventory.orders' },
  order: { producer: 'inventory', type: 'StockReleased', consumer: 'order.outcomes' },
  manufacturer: { producer: 'inventory', type: 'StockDepleted', consumer: 'manufacturer.notices' },
};

/** Parks one event at a consumer of `service` (as a producer's bug would) and returns its ParkedEvent id once it is parked. */
export async function parkOnPurpose(net: TestNetwork, service: BusService): Promise<string> {
  const { producer, type, consumer } = UNREADABLE[service];
  const eventId = randomUUID();
  await net.sql(
    `WITH written AS (INSERT INTO ${producer}.outbox (event_id, type, version, payload) VALUES ($1, $2, 99, $3::jsonb))
     SELECT pg_notify($4, '')`,
    [eventId, type, JSON.stringify({ madeBy: 'a test, on purpose' }), `outbox_${producer}`],
  );
  const schema = service === 'order' ? 'orders' : service;
  await eventually(async () => (await net.sql(`SELECT 1 FROM ${schema}.parked_event WHERE consumer = $1 AND event_id = $2`, [consumer, eventId])).length === 1);
  return `${service}/${consumer}/${eventId}`;
}
