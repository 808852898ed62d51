/** What each manufacturer sold per round, booked once per (round, manufacturer). */
import type { MigrationInterface } from '@distribution/db';

type Runner = { query(sql: string): Promise<unknown> };

export class Settlements1731600000001 implements MigrationInterface {
  name = 'Settlements1731600000001';

  async up(runner: Runner) {
    await runner.query(`
      CREATE TABLE settlement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        round_number int NOT NULL,
        manufacturer_id uuid NOT NULL REFERENCES manufacturer (id),
        units_sold bigint NOT NULL CHECK (units_sold >= 0),
        revenue_cents bigint NOT NULL CHECK (revenue_cents >= 0),
        applied_at timestamptz NOT NULL DEFAULT now(),
        -- A round is booked once per manufacturer, even if RoundClosed arrives twice.
        CONSTRAINT settlement_once_per_round UNIQUE (round_number, manufacturer_id)
      );
      CREATE INDEX settlement_by_manufacturer ON settlement (manufacturer_id, round_number DESC);

      CREATE TABLE settlement_line (
        settlement_id uuid NOT NULL REFERENCES settlement (id),
        product_id uuid NOT NULL REFERENCES product (id),
        units_sold int NOT NULL CHECK (units_sold >= 0),
        revenue_cents bigint NOT NULL CHECK (revenue_cents >= 0),
        PRIMARY KEY (settlement_id, product_id)
      );`);
  }

  async down(runner: Runner) {
    await runner.query('DROP TABLE settlement_line, settlement');
  }
}
