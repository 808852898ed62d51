/** The kit's Sql: one way to run typed statements, on the pool and inside a transaction alike. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { createTestDatabase } from '@distribution/testkit';
import { migrate, openServiceDatabase, type ServiceDatabase } from '../src/database.js';
import { repositoryOf, sqlOf, type Columns, type Sql } from '../src/sql.js';
import { isUuid } from '../src/uuid.js';

@Entity('shelf')
class ShelfEntity {
  @PrimaryColumn('int')
  id!: number;

  @Column('int', { name: 'units_left' })
  unitsLeft!: number;
}

class Shelves1700000000001 {
  name = 'Shelves1700000000001';
  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('CREATE TABLE shelf (id int PRIMARY KEY, units_left int NOT NULL)');
  }
  async down() {}
}

describe('Sql', () => {
  let database: ServiceDatabase;
  beforeAll(async () => {
    database = await openServiceDatabase({ url: await createTestDatabase('kit_sql'), schema: 'kit_sql', migrations: [Shelves1700000000001], entities: [ShelfEntity] });
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Takes one unit from every shelf that has some, returning the shelves as they are now. */
  const takeOne = (sql: Sql) => sql.query<Columns<ShelfEntity>>('UPDATE shelf SET units_left = units_left - 1 WHERE units_left > 0 RETURNING id, units_left');

  it("gives the rows of UPDATE ... RETURNING (not TypeORM's [rows, count]) on the pool and in a transaction", async () => {
    await repositoryOf(database, ShelfEntity).insert([
      { id: 1, unitsLeft: 2 },
      { id: 2, unitsLeft: 0 },
      { id: 3, unitsLeft: 5 },
    ]);
    const onPool = await takeOne(database);
    expect(onPool.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, units_left: 1 },
      { id: 3, units_left: 4 },
    ]);
    const inTransaction = await database.transaction((manager) => takeOne(sqlOf(manager)));
    expect(inTransaction.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, units_left: 0 },
      { id: 3, units_left: 3 },
    ]);
    expect(await takeOne(database)).toEqual([{ id: 3, units_left: 2 }]);
  });

  it("runs repositories on the transaction's connection: a rolled-back write is gone", async () => {
    await repositoryOf(database, ShelfEntity).insert({ id: 10, unitsLeft: 7 });
    await expect(
      database.transaction(async (manager) => {
        await repositoryOf(sqlOf(manager), ShelfEntity).update(10, { unitsLeft: 0 });
        expect(await repositoryOf(sqlOf(manager), ShelfEntity).findOneBy({ id: 10 })).toMatchObject({ unitsLeft: 0 });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await repositoryOf(database, ShelfEntity).findOneBy({ id: 10 })).toMatchObject({ unitsLeft: 7 });
  });
});

describe('isUuid', () => {
  it('accepts UUIDs in either case and nothing else', () => {
    expect(isUuid('0b7e4c1e-6a0f-4f6e-9d7b-2f4a1c3b5d6e')).toBe(true);
    expect(isUuid('0B7E4C1E-6A0F-4F6E-9D7B-2F4A1C3B5D6E')).toBe(true);
    for (const bad of ['', 'abc', '0b7e4c1e-6a0f-4f6e-9d7b-2f4a1c3b5d6', "1' OR '1'='1", 42, null, undefined]) expect(isUuid(bad)).toBe(false);
  });
});
