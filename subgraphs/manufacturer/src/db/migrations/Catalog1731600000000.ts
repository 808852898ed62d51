/** Manufacturers, their products (with supply) and the ledger of every supply movement. */
import type { MigrationInterface } from '@distribution/db';

type Runner = { query(sql: string): Promise<unknown> };

export class Catalog1731600000000 implements MigrationInterface {
  name = 'Catalog1731600000000';

  async up(runner: Runner) {
    await runner.query(`
      CREATE TABLE manufacturer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- Names are unique whatever their case.
      CREATE UNIQUE INDEX manufacturer_name_unique ON manufacturer ((lower(name)));
      CREATE INDEX manufacturer_by_name ON manufacturer (name, id);

      CREATE TABLE product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        manufacturer_id uuid NOT NULL REFERENCES manufacturer (id),
        sku text NOT NULL,
        name text NOT NULL,
        category text NOT NULL,
        unit_price_cents int NOT NULL CHECK (unit_price_cents > 0),
        supply int NOT NULL DEFAULT 0 CHECK (supply >= 0),
        discontinued boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- A SKU is unique within its manufacturer, whatever its case.
      CREATE UNIQUE INDEX product_sku_unique ON product (manufacturer_id, (lower(sku)));
      CREATE INDEX product_by_name ON product (name, id);
      CREATE INDEX product_by_manufacturer ON product (manufacturer_id, name, id);
      CREATE INDEX product_by_category ON product (category, name, id);

      -- Every change of supply, so that supply can be recomputed and audited.
      CREATE TABLE supply_movement (
        id bigserial PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES product (id),
        delta int NOT NULL,
        supply_after int NOT NULL,
        reason text NOT NULL CHECK (reason IN ('CREATED', 'PRODUCED', 'SETTLED')),
        round_number int,
        occurred_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX supply_movement_by_product ON supply_movement (product_id, id);`);
  }

  async down(runner: Runner) {
    await runner.query('DROP TABLE supply_movement, product, manufacturer');
  }
}
