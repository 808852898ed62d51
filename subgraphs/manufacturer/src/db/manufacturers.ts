/** Manufacturers: registration, lookups and pages. */
import { Any } from 'typeorm';
import { repositoryOf, type Columns, type Sql } from '@distribution/db';
import { ManufacturerEntity } from './entities/index.js';
import { MANUFACTURER_SELECT, toManufacturer, type Manufacturer } from './records.js';

/** Registers a manufacturer; null when the name (in any case) is taken. */
export async function insertManufacturer(sql: Sql, name: string): Promise<Manufacturer | null> {
  const { raw } = await repositoryOf(sql, ManufacturerEntity)
    .createQueryBuilder()
    .insert()
    .values({ name })
    .orIgnore() // the only unique constraint a new row can meet: its name, in any case
    .returning(Object.keys(MANUFACTURER_SELECT))
    .updateEntity(false)
    .execute();
  const [row] = raw as Array<Columns<ManufacturerEntity, keyof Manufacturer>>;
  return row ? toManufacturer(row) : null;
}

/** The manufacturers with these ids (one statement, whatever the number of ids). */
export async function manufacturersByIds(sql: Sql, ids: readonly string[]): Promise<Manufacturer[]> {
  return repositoryOf(sql, ManufacturerEntity).find({ select: MANUFACTURER_SELECT, where: { id: Any([...ids]) } });
}

/** Up to `count` manufacturers by name, id, after the (name, id) position when given. */
export async function manufacturersPage(sql: Sql, count: number, after: [string, string] | null): Promise<Manufacturer[]> {
  const page = repositoryOf(sql, ManufacturerEntity)
    .createQueryBuilder('m')
    .select(Object.keys(MANUFACTURER_SELECT).map((property) => `m.${property}`))
    .orderBy('m.name')
    .addOrderBy('m.id')
    .limit(count);
  if (after) page.where('(m.name, m.id) > (CAST(:name AS text), CAST(:id AS uuid))', { name: after[0], id: after[1] });
  return page.getMany();
}

export async function manufacturerExists(sql: Sql, id: string): Promise<boolean> {
  return repositoryOf(sql, ManufacturerEntity).existsBy({ id });
}
