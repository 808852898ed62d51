/** SQL for manufacturers. */
import { MANUFACTURER_COLUMNS, toManufacturer, type Manufacturer, type Sql } from './rows.js';

/** Registers a manufacturer; null when the name (in any case) is taken. */
export async function insertManufacturer(sql: Sql, name: string): Promise<Manufacturer | null> {
  const rows = await sql.query(
    `INSERT INTO manufacturer (name) VALUES ($1) ON CONFLICT ((lower(name))) DO NOTHING RETURNING ${MANUFACTURER_COLUMNS}`,
    [name],
  );
  return rows[0] ? toManufacturer(rows[0]) : null;
}

/** The manufacturers with these ids (one statement, whatever the number of ids). */
export async function manufacturersByIds(sql: Sql, ids: readonly string[]): Promise<Manufacturer[]> {
  const rows = await sql.query(`SELECT ${MANUFACTURER_COLUMNS} FROM manufacturer WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map(toManufacturer);
}

/** Up to `count` manufacturers by name, id, after the (name, id) position when given. */
export async function manufacturersPage(sql: Sql, count: number, after: [string, string] | null): Promise<Manufacturer[]> {
  const rows = await sql.query(
    `SELECT ${MANUFACTURER_COLUMNS} FROM manufacturer
     WHERE $1::text IS NULL OR (name, id) > ($1::text, $2::uuid)
     ORDER BY name, id LIMIT $3`,
    [after?.[0] ?? null, after?.[1] ?? null, count],
  );
  return rows.map(toManufacturer);
}

export async function manufacturerExists(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM manufacturer WHERE id = $1', [id]);
  return rows.length > 0;
}
