/**
 * Which events must keep their order, and so which subject each one travels on. Events with the same
 * ordering key land in the same partition (subject `events.<type>.<partition>`), and a partition is
 * applied by one replica at a time, in stream order; different partitions go in parallel.
 */
import { EventType } from '@distribution/contracts';

/** The default first token of every event's subject: `events.<type>.<partition>`. */
export const SUBJECT_ROOT = 'events';

const field = (payload: unknown, name: string): string | null => {
  const value = (payload as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
};

/**
 * The key whose events must be applied in the order they were recorded:
 * - an order's life (placed, changed, cancelled, overdue, and inventory's answers to it): the order;
 * - a manufacturer's supply and settlements: the manufacturer (a settlement must not overtake the
 *   supply change it causes, nor a product's supply changes one another);
 * - a product's availability, low stock and depletion: the product;
 * - rounds: one key for all of them (a round opens only after the previous one settled).
 */
export function orderingKey(type: string, payload: unknown): string {
  switch (type) {
    case EventType.SupplyChanged:
    case EventType.SettlementApplied:
      return `manufacturer:${field(payload, 'manufacturerId') ?? ''}`;
    case EventType.AvailabilityChanged:
    case EventType.LowStock:
    case EventType.StockDepleted:
      return `product:${field(payload, 'productId') ?? ''}`;
    case EventType.RoundOpened:
    case EventType.RoundClosed:
    case EventType.RoundSettled:
      return 'rounds';
    default: {
      const order = field(payload, 'orderId');
      // An event of no known key keeps its type's order.
      return order ? `order:${order}` : `type:${type}`;
    }
  }
}

/** FNV-1a, 32 bits: stable across processes and versions, unlike anything seeded. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export const partitionOf = (key: string, partitions: number) => fnv1a(key) % partitions;

/** A subject token: event types are identifiers already; anything else is replaced, never split. */
const token = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');

export const subjectOf = (root: string, type: string, partition: number) => `${root}.${token(type)}.${partition}`;

/** What a partition's consumers listen to: every type of that partition. */
export const partitionFilter = (root: string, partition: number) => `${root}.*.${partition}`;

/** A JetStream consumer name for a service's consumer on one partition, under one lease epoch. */
export const durableName = (schema: string, consumer: string, partition: number, epoch: number) => `${token(schema)}_${token(consumer)}_p${partition}_e${epoch}`;
