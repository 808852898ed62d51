/** Inventory's own tables: the product read model, stock, rounds, reservations, the movement ledger. */
import type { MigrationInterface } from '@distribution/db';

type Runner = { query(sql: string): Promise<unknown> };

export class Inventory1731700000000 implements MigrationInterface {
  name = 'Inventory1731700000000';

  async up(runner: Runner) {
    await runner.query(`
      -- What the manufacturer service announced about each product (SupplyChanged); never written otherwise.
      CREATE TABLE product (
        id uuid PRIMARY KEY,
        manufacturer_id uuid NOT NULL,
        category text NOT NULL,
        unit_price_cents int NOT NULL CHECK (unit_price_cents >= 0),
        supply int NOT NULL,
        discontinued boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX product_offers ON product (category) WHERE NOT discontinued;

      CREATE TABLE stock_item (
        product_id uuid PRIMARY KEY REFERENCES product (id),
        on_hand int NOT NULL DEFAULT 0,
        reserved int NOT NULL DEFAULT 0,
        -- NULL: the service's default threshold.
        low_stock_threshold int CHECK (low_stock_threshold BETWEEN 0 AND 1000000),
        round_number int,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stock_never_oversold CHECK (0 <= reserved AND reserved <= on_hand)
      );
      CREATE INDEX stock_item_round ON stock_item (round_number);
      CREATE INDEX stock_item_promised ON stock_item (product_id) WHERE reserved > 0;

      CREATE TABLE distribution_round (
        number int PRIMARY KEY CHECK (number > 0),
        status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED', 'SETTLED')),
        opened_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        closed_at timestamptz,
        close_reason text CHECK (close_reason IN ('OPERATOR', 'PERIOD_ENDED', 'DEPLETED')),
        settled_at timestamptz,
        CHECK ((status = 'OPEN') = (closed_at IS NULL))
      );
      -- At most one round is not yet settled: the next opens only after the last settles.
      CREATE UNIQUE INDEX one_unsettled_round ON distribution_round ((true)) WHERE status <> 'SETTLED';

      CREATE TABLE reservation (
        order_id uuid NOT NULL,
        product_id uuid NOT NULL REFERENCES stock_item (product_id),
        round_number int NOT NULL REFERENCES distribution_round (number),
        quantity int NOT NULL CHECK (quantity >= 0),
        unit_price_cents int NOT NULL CHECK (unit_price_cents >= 0),
        status text NOT NULL CHECK (status IN ('RESERVED', 'RELEASED', 'SOLD')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, product_id),
        CHECK (status <> 'RELEASED' OR quantity = 0)
      );
      CREATE INDEX reservation_held ON reservation (round_number) WHERE status = 'RESERVED';

      CREATE TABLE stock_movement (
        id bigserial PRIMARY KEY,
        product_id uuid NOT NULL,
        round_number int,
        kind text NOT NULL CHECK (kind IN ('ROUND_OPENED_SUPPLY', 'SUPPLY_IN', 'RESERVE', 'RELEASE', 'SALE', 'WITHDRAWN')),
        quantity int NOT NULL CHECK (quantity > 0),
        order_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX stock_movement_of_product ON stock_movement (product_id, id);

      CREATE TABLE round_sale (
        round_number int NOT NULL REFERENCES distribution_round (number),
        product_id uuid NOT NULL,
        manufacturer_id uuid NOT NULL,
        units_sold int NOT NULL CHECK (units_sold > 0),
        revenue_cents bigint NOT NULL CHECK (revenue_cents >= 0),
        PRIMARY KEY (round_number, product_id)
      );

      -- One row per manufacturer that sold in a round; settled when its SettlementApplied arrives.
      CREATE TABLE round_settlement (
        round_number int NOT NULL REFERENCES distribution_round (number),
        manufacturer_id uuid NOT NULL,
        settlement_id uuid,
        settled_at timestamptz,
        PRIMARY KEY (round_number, manufacturer_id)
      );`);
  }

  async down(runner: Runner) {
    await runner.query('DROP TABLE round_settlement, round_sale, stock_movement, reservation, distribution_round, stock_item, product');
  }
}
