/**
 * Customers' names and emails moved to the account service: new rows here carry only the id (and
 * the identity provider's subject it was made from, for external sign-ins). Older rows keep theirs.
 */
import type { MigrationInterface } from '@distribution/db';

export class CustomerSubject1732000000100 implements MigrationInterface {
  name = 'CustomerSubject1732000000100';

  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      ALTER TABLE customer ALTER COLUMN name DROP NOT NULL, ALTER COLUMN email DROP NOT NULL, ADD COLUMN subject text;
      CREATE UNIQUE INDEX customer_subject_unique ON customer (subject) WHERE subject IS NOT NULL;
    `);
  }

  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP INDEX customer_subject_unique; ALTER TABLE customer DROP COLUMN subject');
  }
}
