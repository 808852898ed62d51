/** The orders inventory rejected, kept so that it answers each order the same ever after (domain/order-decisions.ts). */
import type { MigrationInterface } from '@distribution/db';

type Runner = { query(sql: string): Promise<unknown> };

export class OrderDecisions1767000000001 implements MigrationInterface {
  name = 'OrderDecisions1767000000001';

  async up(runner: Runner) {
    await runner.query(`
      CREATE TABLE order_rejection (
        order_id uuid PRIMARY KEY,
        reason text NOT NULL CHECK (reason IN ('INSUFFICIENT_STOCK', 'NO_OPEN_ROUND', 'UNKNOWN_PRODUCT', 'TIMED_OUT')),
        lines jsonb NOT NULL,
        rejected_at timestamptz NOT NULL DEFAULT now()
      );`);
  }

  async down(runner: Runner) {
    await runner.query('DROP TABLE order_rejection');
  }
}
