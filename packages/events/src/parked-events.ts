/**
 * Parked events, for the operator: listed with their error, re-delivered to their consumer once, or
 * discarded with a reason. Every retry and discard is written to `bus_repair` (who, when, why).
 *
 * A parked event is already in its consumer's inbox, so the consumer's own loop never applies it:
 * only a retry does, in one transaction with the removal of its parked row. So it is applied at most
 * once, however many operators retry it at the same time (the second finds no parked row). A retry
 * applies it out of bus order: events of the same consumer that came after it were applied first.
 */
import { returnedRows, type ServiceDatabase } from '@distribution/db';
import { parseEvent } from '@distribution/contracts';
import type { EventTransport } from './transport.js';
import type { BusEvent } from './event.js';

/** Which parked event: its consumer and the event's id. */
export interface ParkedEventKey {
  consumer: string;
  eventId: string;
}

export interface ParkedEvent extends ParkedEventKey {
  position: number;
  type: string;
  version: number | null;
  source: string | null;
  /** What the consumer said when it gave up (the handler's error, or what the contract refused). */
  error: string;
  attempts: number;
  parkedAt: Date;
  occurredAt: Date | null;
  /** The payload as JSON text, cut at MAX_PAYLOAD_CHARACTERS. */
  payload: string;
}

export interface BusRepair extends ParkedEventKey {
  id: number;
  type: string;
  action: 'RETRIED' | 'RETRY_FAILED' | 'DISCARDED';
  actor: string;
  reason: string | null;
  error: string | null;
  at: Date;
}

export type RetryResult = { outcome: 'APPLIED'; error: null } | { outcome: 'FAILED_AGAIN'; error: string };

export const MAX_PAYLOAD_CHARACTERS = 10_000;
const MAX_ERROR_CHARACTERS = 2_000;

const toParked = (r: any): ParkedEvent => ({
  consumer: r.consumer,
  eventId: r.event_id,
  position: Number(r.position),
  type: r.type,
  version: r.version,
  source: r.source,
  error: r.error,
  attempts: r.attempts,
  parkedAt: r.parked_at,
  occurredAt: r.occurred_at,
  payload: r.payload ?? 'null',
});

/** Parked events, newest on the bus first, after the one at `after` (exclusive); `limit` of them. */
export async function listParkedEvents(database: ServiceDatabase, limit: number, after: { position: number; consumer: string } | null): Promise<ParkedEvent[]> {
  const rows = await database.query(
    `SELECT p.consumer, p.event_id, p.position, p.type, p.error, p.attempts, p.parked_at, e.version, e.source, e.occurred_at,
            left(e.payload::text, $4) AS payload
     FROM parked_event p LEFT JOIN bus.events e ON e.event_id = p.event_id
     WHERE $1::bigint IS NULL OR (p.position, p.consumer) < ($1::bigint, $2::text)
     ORDER BY p.position DESC, p.consumer DESC LIMIT $3`,
    [after?.position ?? null, after?.consumer ?? '', limit, MAX_PAYLOAD_CHARACTERS],
  );
  return rows.map(toParked);
}

/** One parked event, or null. */
export async function findParkedEvent(database: ServiceDatabase, key: ParkedEventKey): Promise<ParkedEvent | null> {
  const [row] = await database.query(
    `SELECT p.consumer, p.event_id, p.position, p.type, p.error, p.attempts, p.parked_at, e.version, e.source, e.occurred_at,
            left(e.payload::text, $3) AS payload
     FROM parked_event p LEFT JOIN bus.events e ON e.event_id = p.event_id WHERE p.consumer = $1 AND p.event_id = $2`,
    [key.consumer, key.eventId, MAX_PAYLOAD_CHARACTERS],
  );
  return row ? toParked(row) : null;
}

/**
 * Hands the parked event to its consumer's handler once, in one transaction that also removes it
 * from the parked events; if the handler (or the contract) refuses it again, it stays parked with
 * the new error. Null when there is no such parked event (or this service has no such consumer).
 */
export async function retryParkedEvent(
  database: ServiceDatabase,
  bus: Pick<EventTransport, 'registeredConsumers'>,
  key: ParkedEventKey,
  actor: string,
): Promise<RetryResult | null> {
  const consumer = bus.registeredConsumers().find((c) => c.name === key.consumer);
  if (!consumer) return null;
  try {
    return await database.transaction(async (m) => {
      // The consumer's batches hold its cursor row while they apply: the retry takes its turn among them.
      await m.query('SELECT 1 FROM event_cursor WHERE consumer = $1 FOR UPDATE', [key.consumer]);
      const [row] = await m.query(
        `SELECT e.event_id, e.type, e.version, e.source, e.payload, e.occurred_at, e.position
         FROM parked_event p JOIN bus.events e ON e.event_id = p.event_id WHERE p.consumer = $1 AND p.event_id = $2 FOR UPDATE OF p`,
        [key.consumer, key.eventId],
      );
      if (!row) return null;
      const event: BusEvent = {
        id: row.event_id,
        type: row.type,
        version: row.version,
        source: row.source,
        payload: row.payload,
        occurredAt: new Date(row.occurred_at).toISOString(),
        position: Number(row.position),
      };
      await consumer.handler([parseEvent(event, consumer.accepts)], m);
      await m.query('DELETE FROM parked_event WHERE consumer = $1 AND event_id = $2', [key.consumer, key.eventId]);
      await logRepair(m, { ...key, type: row.type, action: 'RETRIED', actor });
      return { outcome: 'APPLIED', error: null } as const;
    });
  } catch (failure) {
    const error = String((failure as Error)?.message ?? failure).slice(0, MAX_ERROR_CHARACTERS);
    const stillParked = await database.transaction(async (m) => {
      const [row] = returnedRows<{ type: string }>(
        await m.query('UPDATE parked_event SET attempts = attempts + 1, error = $3 WHERE consumer = $1 AND event_id = $2 RETURNING type', [key.consumer, key.eventId, error]),
      );
      if (row) await logRepair(m, { ...key, type: row.type, action: 'RETRY_FAILED', actor, error });
      return Boolean(row);
    });
    return stillParked ? { outcome: 'FAILED_AGAIN', error } : null;
  }
}

/** Gives up on a parked event for good (it stays in the inbox, so nothing applies it); false when there is none. */
export async function discardParkedEvent(database: ServiceDatabase, key: ParkedEventKey, actor: string, reason: string): Promise<boolean> {
  return database.transaction(async (m) => {
    const [row] = returnedRows<{ type: string }>(await m.query('DELETE FROM parked_event WHERE consumer = $1 AND event_id = $2 RETURNING type', [key.consumer, key.eventId]));
    if (row) await logRepair(m, { ...key, type: row.type, action: 'DISCARDED', actor, reason });
    return Boolean(row);
  });
}

/** The latest retries and discards, newest first. */
export async function recentRepairs(database: ServiceDatabase, limit: number): Promise<BusRepair[]> {
  const rows = await database.query('SELECT * FROM bus_repair ORDER BY id DESC LIMIT $1', [limit]);
  return rows.map((r: any) => ({
    id: Number(r.id),
    consumer: r.consumer,
    eventId: r.event_id,
    type: r.type,
    action: r.action,
    actor: r.actor,
    reason: r.reason,
    error: r.error,
    at: r.at,
  }));
}

async function logRepair(
  m: { query(sql: string, params?: unknown[]): Promise<unknown> },
  entry: ParkedEventKey & { type: string; action: BusRepair['action']; actor: string; reason?: string; error?: string },
): Promise<void> {
  await m.query('INSERT INTO bus_repair (consumer, event_id, type, action, actor, reason, error) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    entry.consumer,
    entry.eventId,
    entry.type,
    entry.action,
    entry.actor,
    entry.reason ?? null,
    entry.error ?? null,
  ]);
}
