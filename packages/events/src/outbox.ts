/** Writing events in the same transaction as the change they announce. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@distribution/db';
import type { NewEvent } from './event.js';

export const outboxChannel = (schema: string) => `outbox_${schema}`;

/**
 * Records events in this service's outbox inside the caller's transaction, and wakes the relay
 * at commit (NOTIFY is transactional: nothing is announced if the transaction rolls back).
 */
export async function recordEvents(manager: EntityManager, schema: string, events: NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  // One round trip: the insert runs as a CTE (Postgres runs data-modifying CTEs even unreferenced).
  await manager.query(
    `WITH written AS (
       INSERT INTO outbox (event_id, type, version, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[])
     )
     SELECT pg_notify($5, '')`,
    [ids, events.map((e) => e.type), events.map((e) => e.version ?? 1), events.map((e) => JSON.stringify(e.payload)), outboxChannel(schema)],
  );
  return ids;
}

export const recordEvent = (manager: EntityManager, schema: string, event: NewEvent) => recordEvents(manager, schema, [event]);
