/** What left customers' carts without them asking: lines of discontinued products (until the customer prunes the cart). */
import type { MigrationInterface } from '@distribution/db';

export class CartRemovals1767000000003 implements MigrationInterface {
  name = 'CartRemovals1767000000003';

  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      CREATE TABLE cart_removal (
        id bigserial PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer (id),
        product_id uuid NOT NULL,
        -- Units taken out, and units of the product left in the cart.
        quantity int NOT NULL CHECK (quantity > 0),
        kept int NOT NULL CHECK (kept >= 0),
        reason text NOT NULL CHECK (reason IN ('INSUFFICIENT_STOCK', 'OUT_OF_STOCK', 'DISCONTINUED')),
        removed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Set when pruneCart has told the customer.
        told_at timestamptz
      );
      CREATE INDEX cart_removal_untold ON cart_removal (customer_id, id) WHERE told_at IS NULL;`);
  }

  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE cart_removal');
  }
}
