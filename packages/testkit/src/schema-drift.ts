/** Whether a service's entities describe the tables its migrations create. */
import { migrate, openServiceDatabase, type ServiceDatabaseOptions } from '@distribution/db';

/**
 * Migrates a fresh schema, then asks TypeORM's schema builder what it would change to make the
 * tables match the entities: every statement it returns is a disagreement (empty when they agree).
 */
export async function schemaDrift(options: Pick<ServiceDatabaseOptions, 'url' | 'schema' | 'migrations' | 'entities'>): Promise<string[]> {
  const database = await openServiceDatabase({ ...options, poolSize: 2 });
  try {
    await migrate(database);
    const pending = await database.dataSource.driver.createSchemaBuilder().log();
    return pending.upQueries.map((q) => q.query);
  } finally {
    await database.close();
  }
}
