/** Customers, carts, orders with their lines and requested changes, and the catalog read model. */
import type { MigrationInterface } from '@distribution/db';

export class OrderTables1700000300000 implements MigrationInterface {
  name = 'OrderTables1700000300000';

  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      CREATE TABLE customer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now()
      );
      -- One customer per email address, whatever its case.
      CREATE UNIQUE INDEX customer_email_unique ON customer (lower(email));

      -- Read model of what other services announce (SupplyChanged, AvailabilityChanged).
      -- unit_price_cents is null until the manufacturer's SupplyChanged arrives: such a product is unknown here.
      CREATE TABLE catalog_product (
        product_id uuid PRIMARY KEY,
        manufacturer_id uuid,
        unit_price_cents int CHECK (unit_price_cents >= 0),
        discontinued boolean NOT NULL DEFAULT false,
        available int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE cart_line (
        customer_id uuid NOT NULL REFERENCES customer (id),
        product_id uuid NOT NULL,
        quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
        added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (customer_id, product_id)
      );

      CREATE TABLE customer_order (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Placement order, for newest-first pages with stable cursors.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        customer_id uuid NOT NULL REFERENCES customer (id),
        idempotency_key text NOT NULL,
        from_cart boolean NOT NULL,
        -- The lines as first requested, so a retry is compared with the request, not with later changes.
        requested_lines jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'FULFILLED')),
        round_number int,
        rejection_reason text,
        rejection_lines jsonb,
        cancellation_requested boolean NOT NULL DEFAULT false,
        placed_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- The same key from the same customer is the same order, never a second one.
        CONSTRAINT customer_order_idempotency UNIQUE (customer_id, idempotency_key)
      );
      CREATE INDEX customer_order_by_customer ON customer_order (customer_id, seq DESC);
      CREATE INDEX customer_order_by_status ON customer_order (status, seq DESC);
      CREATE INDEX customer_order_confirmed_by_round ON customer_order (round_number) WHERE status = 'CONFIRMED';

      CREATE TABLE order_line (
        order_id uuid NOT NULL REFERENCES customer_order (id),
        product_id uuid NOT NULL,
        quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
        unit_price_cents int NOT NULL CHECK (unit_price_cents >= 0),
        position int NOT NULL,
        PRIMARY KEY (order_id, product_id)
      );

      -- A customer's request to change a confirmed order's line, until inventory answers it.
      CREATE TABLE order_change (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES customer_order (id),
        product_id uuid NOT NULL,
        quantity int NOT NULL CHECK (quantity BETWEEN 0 AND 10000),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPLIED', 'REJECTED', 'IGNORED')),
        rejection_reason text,
        rejection_lines jsonb,
        requested_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      );
      -- One change in flight per order keeps the customer's view and inventory's in step.
      CREATE UNIQUE INDEX order_change_one_pending ON order_change (order_id) WHERE status = 'PENDING';
    `);
  }

  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE order_change, order_line, customer_order, cart_line, catalog_product, customer');
  }
}
