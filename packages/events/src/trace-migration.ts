/** The W3C trace context an event was written in, kept beside it so that its consumers continue the trace. */
import type { MigrationInterface } from '@distribution/db';

export class OutboxTraceparent1768000000000 implements MigrationInterface {
  name = 'OutboxTraceparent1768000000000';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    // Nullable, no default: adding it rewrites nothing, and events written untraced carry none.
    await runner.query('ALTER TABLE outbox ADD COLUMN traceparent text');
  }
  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('ALTER TABLE outbox DROP COLUMN traceparent');
  }
}
