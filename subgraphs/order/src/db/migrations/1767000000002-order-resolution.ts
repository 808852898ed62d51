/**
 * What the order service asks inventory about orders that wait too long (resolution/overdue-watch.ts),
 * and the rounds it knows are closed (a confirmation arriving after its round closed is fulfilled at once).
 */
import type { MigrationInterface } from '@distribution/db';

export class OrderResolution1767000000002 implements MigrationInterface {
  name = 'OrderResolution1767000000002';

  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      -- An order waiting for inventory: placed (RESERVATION, a row only once it is overdue) or
      -- cancelled (RELEASE, a row from the moment the customer asks), and how often it was asked about.
      CREATE TABLE order_wait (
        order_id uuid NOT NULL REFERENCES customer_order (id),
        awaiting text NOT NULL CHECK (awaiting IN ('RESERVATION', 'RELEASE')),
        since timestamptz NOT NULL,
        asks int NOT NULL DEFAULT 0,
        asked_at timestamptz,
        -- Set once the last ask went unanswered too: the order was reported in the log.
        reported_at timestamptz,
        PRIMARY KEY (order_id, awaiting)
      );
      CREATE INDEX customer_order_pending_since ON customer_order (placed_at) WHERE status = 'PENDING';

      CREATE TABLE closed_round (
        round_number int PRIMARY KEY,
        closed_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO closed_round (round_number) SELECT DISTINCT round_number FROM customer_order WHERE status = 'FULFILLED';`);
  }

  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE closed_round, order_wait; DROP INDEX customer_order_pending_since');
  }
}
