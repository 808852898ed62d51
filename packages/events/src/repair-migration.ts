/** The audit of every hand on the bus: each retry or discard of a parked event, who did it, when and why. */
import type { MigrationInterface } from '@distribution/db';

export class BusRepairLog1767000000000 implements MigrationInterface {
  name = 'BusRepairLog1767000000000';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      CREATE TABLE bus_repair (
        id bigserial PRIMARY KEY,
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        type text NOT NULL,
        action text NOT NULL CHECK (action IN ('RETRIED', 'RETRY_FAILED', 'DISCARDED')),
        -- The operator (the token's subject) who asked.
        actor text NOT NULL,
        reason text,
        error text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX bus_repair_newest ON bus_repair (id DESC);`);
  }
  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE bus_repair');
  }
}
