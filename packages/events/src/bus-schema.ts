/**
 * The embedded broker: one append-only log in its own `bus` schema. Services never write it
 * directly; their relay moves outbox rows here. A larger deployment swaps this for NATS
 * JetStream or RabbitMQ while keeping each service's outbox as the source of truth.
 */
import pg from 'pg';
import { connectionSettings, type DatabaseTimeouts } from '@distribution/db';

/**
 * The NOTIFY channel of one event type. A channel per type, not one for the whole bus: an append
 * wakes only the consumers that want what was appended (one channel woke every consumer loop of
 * every service, each running a transaction to find nothing, several per order).
 */
export const busChannel = (type: string) => `bus:${type}`;
/** Advisory lock held while appending, so positions become visible in commit order. */
export const BUS_APPEND_LOCK = 748_391_001;

export async function ensureBusSchema(url: string, timeouts?: Partial<DatabaseTimeouts>): Promise<void> {
  const client = new pg.Client({ connectionString: url, ...connectionSettings(timeouts) });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [BUS_APPEND_LOCK + 1]);
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS bus;
      CREATE TABLE IF NOT EXISTS bus.events (
        position bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        version int NOT NULL,
        source text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS events_type_position ON bus.events (type, position);
      -- The W3C trace context each event was written in (added later: a bus created before gets it here).
      ALTER TABLE bus.events ADD COLUMN IF NOT EXISTS traceparent text;`);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [BUS_APPEND_LOCK + 1]).catch(() => {});
    await client.end();
  }
}
