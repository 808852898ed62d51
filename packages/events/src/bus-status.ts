/** How far each consumer of a service is behind on the bus, read for the operator's bus console. */
import type { ServiceDatabase } from '@distribution/db';
import type { RegisteredConsumer } from './bus.js';

/** A backlog is counted up to this many events: the count stays cheap however far a consumer fell behind. */
export const BACKLOG_COUNT_LIMIT = 100_000;

export interface ConsumerHealth {
  consumer: string;
  eventTypes: string[];
  /** Events of its types after its cursor, up to BACKLOG_COUNT_LIMIT. */
  backlog: number;
  /** When the oldest of them reached the bus; null when there are none. */
  oldestUnappliedAt: Date | null;
  /** How long ago that was, by the database's clock. */
  oldestUnappliedAgeSeconds: number | null;
  /** Its events parked now (they wait for an operator). */
  parked: number;
}

/** The health of each consumer, in the order they were registered: one statement per consumer. */
export async function consumerHealth(database: ServiceDatabase, consumers: ReadonlyArray<Pick<RegisteredConsumer, 'name' | 'types'>>): Promise<ConsumerHealth[]> {
  return Promise.all(
    consumers.map(async ({ name, types }) => {
      const [row] = await database.query(
        `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM bus.events e WHERE e.type = ANY($2) AND e.position > c.position LIMIT $3) AS waiting) AS backlog,
              oldest.published_at AS oldest_at, extract(epoch FROM clock_timestamp() - oldest.published_at)::float8 AS oldest_age,
              (SELECT count(*)::int FROM parked_event p WHERE p.consumer = c.consumer) AS parked
       FROM event_cursor c
       LEFT JOIN LATERAL (SELECT e.published_at FROM bus.events e WHERE e.type = ANY($2) AND e.position > c.position ORDER BY e.position LIMIT 1) AS oldest ON true
       WHERE c.consumer = $1`,
        [name, types, BACKLOG_COUNT_LIMIT],
      );
      return {
        consumer: name,
        eventTypes: [...types],
        backlog: row?.backlog ?? 0,
        oldestUnappliedAt: row?.oldest_at ?? null,
        oldestUnappliedAgeSeconds: row?.oldest_age ?? null,
        parked: row?.parked ?? 0,
      };
    }),
  );
}
