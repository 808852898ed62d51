/** Tables every service needs to publish (outbox) and consume (cursor, inbox, parked events). */
import type { MigrationInterface } from '@distribution/db';

export class EventTables1700000000000 implements MigrationInterface {
  name = 'EventTables1700000000000';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        version int NOT NULL DEFAULT 1,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE event_cursor (
        consumer text PRIMARY KEY,
        position bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );
      CREATE TABLE parked_event (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        position bigint NOT NULL,
        type text NOT NULL,
        error text NOT NULL,
        attempts int NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );`);
  }
  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE parked_event, inbox, event_cursor, outbox');
  }
}
