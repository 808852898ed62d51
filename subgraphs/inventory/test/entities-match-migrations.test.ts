/** The inventory service's entities and its migrations describe the same tables. */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, schemaDrift } from '@distribution/testkit';
import { entities } from '../src/db/entities/index.js';
import { migrations } from '../src/db/migrations/index.js';
import { SERVICE_NAME } from '../src/settings.js';

describe('inventory entities', () => {
  it('agree with the migrations: TypeORM would change nothing in a freshly migrated schema', async () => {
    const url = await createTestDatabase('inventory_entities');
    expect(await schemaDrift({ url, schema: SERVICE_NAME, migrations, entities })).toEqual([]);
  });
});
