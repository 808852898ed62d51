/** The manufacturer service's entities and its migrations describe the same tables. */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, schemaDrift } from '@distribution/testkit';
import { entities } from '../src/db/entities/index.js';
import { migrations } from '../src/db/migrations/index.js';
import { manufacturerService } from '../src/subgraph.js';

describe('manufacturer entities', () => {
  it('agree with the migrations: TypeORM would change nothing in a freshly migrated schema', async () => {
    const url = await createTestDatabase('manufacturer_entities');
    expect(await schemaDrift({ url, schema: manufacturerService.name, migrations, entities })).toEqual([]);
  });
});
