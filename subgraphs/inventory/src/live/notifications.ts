/**
 * What inventory announces on its live channel (pg_notify, delivered at commit to every replica),
 * derived from the events a transaction records. A NOTIFY payload holds at most 8000 bytes, so
 * stock announcements carry product ids only (chunked); whoever listens reads the committed state
 * itself. Depletions are facts of a moment and carry their few fields.
 */
import { EventType } from '@distribution/contracts';
import type { NewEvent } from '@distribution/events';

export const LIVE_CHANNEL = 'inventory_live';
/** Below Postgres' 8000-byte limit, with room to spare. */
export const MAX_PAYLOAD_BYTES = 7000;

/** Available stock of a product reached zero. */
export interface DepletionFact {
  productId: string;
  manufacturerId: string;
  roundNumber: number;
  /** ISO-8601 time of the transaction that took the last unit. */
  at: string;
}

export type LiveNotification =
  /** These products' stock rows changed. */
  | { kind: 'stock'; productIds: string[] }
  /** These products fell to their low-stock threshold. */
  | { kind: 'low'; productIds: string[] }
  | { kind: 'depleted'; facts: DepletionFact[] }
  /** These rounds opened, closed or settled. */
  | { kind: 'round'; roundNumbers: number[] };

type Payload = Record<string, any>;

/**
 * The NOTIFY payloads announcing `events` (one transaction's), each within MAX_PAYLOAD_BYTES. They
 * are a protocol of their own (ids only: listeners read the committed rows), not the events' payloads.
 */
export function liveNotificationsOf(events: readonly NewEvent[], at: Date): string[] {
  const stock = new Set<string>();
  const low = new Set<string>();
  const rounds = new Set<number>();
  const depleted: Array<[string, string, number]> = [];
  for (const event of events) {
    switch (event.type) {
      case EventType.AvailabilityChanged:
        stock.add(event.payload.productId);
        break;
      case EventType.LowStock:
        low.add(event.payload.productId);
        break;
      // A product runs out only with units of a round, so its round is known; a row without one has nothing to announce.
      case EventType.StockDepleted: {
        const { productId, manufacturerId, roundNumber } = event.payload;
        if (roundNumber !== null) depleted.push([productId, manufacturerId, roundNumber]);
        break;
      }
      case EventType.RoundOpened:
      case EventType.RoundClosed:
      case EventType.RoundSettled:
        rounds.add(event.payload.roundNumber);
        break;
    }
  }
  const time = at.toISOString();
  return [
    ...(rounds.size ? [JSON.stringify({ kind: 'round', numbers: [...rounds] })] : []),
    ...packed([...stock], (ids) => JSON.stringify({ kind: 'stock', ids })),
    ...packed([...low], (ids) => JSON.stringify({ kind: 'low', ids })),
    ...packed(depleted, (items) => JSON.stringify({ kind: 'depleted', at: time, items })),
  ];
}

/** Reads a payload of LIVE_CHANNEL; null when it is not one this version understands. */
export function readLiveNotification(text: string): LiveNotification | null {
  let payload: Payload;
  try {
    payload = JSON.parse(text);
  } catch {
    return null;
  }
  const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
  switch (payload?.kind) {
    case 'stock':
    case 'low':
      return strings(payload.ids) ? { kind: payload.kind, productIds: payload.ids } : null;
    case 'round':
      return Array.isArray(payload.numbers) && payload.numbers.every(Number.isInteger) ? { kind: 'round', roundNumbers: payload.numbers } : null;
    case 'depleted': {
      if (typeof payload.at !== 'string' || !Array.isArray(payload.items)) return null;
      const facts = payload.items
        .filter((item: unknown) => Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'string' && Number.isInteger(item[2]))
        .map(([productId, manufacturerId, roundNumber]: [string, string, number]) => ({ productId, manufacturerId, roundNumber, at: payload.at }));
      return { kind: 'depleted', facts };
    }
    default:
      return null;
  }
}

/** Splits `items` into as few payloads as fit MAX_PAYLOAD_BYTES each. */
export function packed<T>(items: readonly T[], encode: (part: T[]) => string): string[] {
  const payloads: string[] = [];
  const overhead = Buffer.byteLength(encode([]));
  let part: T[] = [];
  let size = overhead;
  for (const item of items) {
    const itemSize = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (part.length > 0 && size + itemSize > MAX_PAYLOAD_BYTES) {
      payloads.push(encode(part));
      part = [];
      size = overhead;
    }
    part.push(item);
    size += itemSize;
  }
  if (part.length > 0) payloads.push(encode(part));
  return payloads;
}
