/**
 * Internal: the NOTIFY a parking sends in its own transaction (delivered at commit), so that the
 * service's operators hear of it live. Payloads stay far below Postgres's 8000 bytes.
 */
import type { EntityManager } from '@distribution/db';

/** The channel of one service's parkings. */
export const parkingChannel = (schema: string) => `bus_parked_${schema}`;

/** One parked event, as the channel carries it. */
export interface ParkingNotice {
  consumer: string;
  eventId: string;
  type: string;
  error: string;
}

const MAX_ERROR_CHARACTERS = 500;

/** Announces, at commit, the events just parked. */
export async function announceParking(m: EntityManager, schema: string, parked: ParkingNotice[]): Promise<void> {
  if (parked.length === 0) return;
  const payloads = parked.map((p) => JSON.stringify({ ...p, error: p.error.slice(0, MAX_ERROR_CHARACTERS) }));
  await m.query('SELECT count(pg_notify($1, payload)) FROM unnest($2::text[]) AS payload', [parkingChannel(schema), payloads]);
}

/** Reads a payload of the channel; null when it is not one. */
export function readParkingNotice(text: string): ParkingNotice | null {
  try {
    const p = JSON.parse(text);
    const strings = ['consumer', 'eventId', 'type', 'error'].every((k) => typeof p?.[k] === 'string');
    return strings ? { consumer: p.consumer, eventId: p.eventId, type: p.type, error: p.error } : null;
  } catch {
    return null;
  }
}
