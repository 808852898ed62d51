/** Writing events in the same transaction as the change they announce. */
import { randomUUID } from 'node:crypto';
import type { Sql, StatementPart } from '@distribution/db';
import { currentTraceparent } from '@distribution/tracing';
import type { NewEvent } from './event.js';

export const outboxChannel = (schema: string) => `outbox_${schema}`;

/**
 * Records events in this service's outbox inside the caller's transaction, and wakes the relay
 * at commit (NOTIFY is transactional: nothing is announced if the transaction rolls back).
 */
export async function recordEvents(manager: Pick<Sql, 'query'>, schema: string, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  // One round trip: the insert runs as a CTE (Postgres runs data-modifying CTEs even unreferenced).
  const parts = outboxStatementParts(schema, events, 1);
  await manager.query(`WITH written AS (${parts.cte}) SELECT ${parts.notify}`, parts.params);
  return parts.ids;
}

export const recordEvent = (manager: Pick<Sql, 'query'>, schema: string, event: NewEvent) => recordEvents(manager, schema, [event]);

/**
 * For a change written in ONE statement together with its events (no explicit transaction: a
 * statement is atomic on its own): the outbox insert as a data-modifying CTE whose rows come from
 * `unnest` of the parameters starting at `$firstParam`, kept only when `condition` (SQL, e.g.
 * `EXISTS (SELECT 1 FROM written)`) holds, and the NOTIFY that wakes the relay at commit.
 */
export function outboxStatementParts(schema: string, events: readonly NewEvent[], firstParam: number, condition = 'true') {
  const ids = events.map(() => randomUUID());
  const [a, b, c, d, channel, t] = [0, 1, 2, 3, 4, 5].map((i) => `$${firstParam + i}`);
  // An event continues the trace of what caused it: its own traceparent when the producer gave one
  // (a batch answering many requests), else the span running now (null when nothing is traced).
  const traced = currentTraceparent() ?? null;
  return {
    ids,
    cte: `INSERT INTO outbox (event_id, type, version, payload, traceparent)
       SELECT * FROM unnest(${a}::uuid[], ${b}::text[], ${c}::int[], ${d}::jsonb[], ${t}::text[]) WHERE ${condition}`,
    notify: `pg_notify(${channel}, '')`,
    params: [
      ids,
      events.map((e) => e.type),
      events.map((e) => e.version),
      events.map((e) => JSON.stringify(e.payload)),
      outboxChannel(schema),
      events.map((e) => e.traceparent ?? traced),
    ],
  };
}

/** The outbox insert and its NOTIFY as a part of a larger statement, numbered from `build`'s parameter. */
export function outboxPart(schema: string, events: readonly NewEvent[]): StatementPart {
  return {
    build(firstParam) {
      if (events.length === 0) return { params: [] };
      const parts = outboxStatementParts(schema, events, firstParam);
      return { cte: parts.cte, select: parts.notify, params: parts.params };
    },
  };
}
