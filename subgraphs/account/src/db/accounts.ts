/** Accounts: creation, lookups by email, subject and id, the password, and the customer list. */
import type { Role } from '@distribution/auth';
import type { Sql } from '@distribution/db';

export interface AccountRecord {
  id: string;
  seq: number;
  email: string;
  passwordHash: string;
  role: Role;
  subject: string;
  name: string;
  createdAt: Date;
}

const COLUMNS = `id, seq::float8 AS seq, email, password_hash AS "passwordHash", role, subject, name, created_at AS "createdAt"`;

export interface NewAccount {
  email: string;
  passwordHash: string;
  role: Role;
  name: string;
  /** Unset: the account's own id (customers, operators). */
  subject?: string;
}

/** Creates an account; null when its email (in any case) or its subject already has one. */
export async function createAccount(sql: Sql, account: NewAccount): Promise<AccountRecord | null> {
  const rows = await sql.query<AccountRecord>(
    `WITH id AS (SELECT gen_random_uuid() AS id)
     INSERT INTO account (id, email, password_hash, role, subject, name)
     SELECT id.id, $1, $2, $3, coalesce($4, id.id::text), $5 FROM id
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [account.email, account.passwordHash, account.role, account.subject ?? null, account.name],
  );
  return rows[0] ?? null;
}

export async function accountByEmail(sql: Sql, email: string): Promise<AccountRecord | null> {
  const rows = await sql.query<AccountRecord>(`SELECT ${COLUMNS} FROM account WHERE lower(email) = lower($1)`, [email]);
  return rows[0] ?? null;
}

export async function accountBySubject(sql: Sql, role: Role, subject: string): Promise<AccountRecord | null> {
  const rows = await sql.query<AccountRecord>(`SELECT ${COLUMNS} FROM account WHERE role = $1 AND subject = $2`, [role, subject]);
  return rows[0] ?? null;
}

export async function accountById(sql: Sql, id: string): Promise<AccountRecord | null> {
  const rows = await sql.query<AccountRecord>(`SELECT ${COLUMNS} FROM account WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Customers by id (their subject), for the Customer entity. */
export async function customersByIds(sql: Sql, ids: readonly string[]): Promise<AccountRecord[]> {
  return sql.query<AccountRecord>(`SELECT ${COLUMNS} FROM account WHERE role = 'CUSTOMER' AND subject = ANY($1::text[])`, [ids]);
}

export async function setPasswordHash(sql: Sql, accountId: string, passwordHash: string): Promise<void> {
  await sql.query('UPDATE account SET password_hash = $2, password_changed_at = now() WHERE id = $1', [accountId, passwordHash]);
}

export async function hasOperator(sql: Sql): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM account WHERE role = 'OPERATOR' LIMIT 1`);
  return rows.length > 0;
}

/** `text` as a LIKE pattern that matches it literally anywhere. */
const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Customers newest first, `limit` of them after the one with registration number `beforeSeq`;
 * `search` matches name or email, case-insensitive.
 */
export async function customerPage(sql: Sql, { limit, beforeSeq, search }: { limit: number; beforeSeq?: number; search?: string }): Promise<AccountRecord[]> {
  const where = [`role = 'CUSTOMER'`];
  const params: unknown[] = [limit];
  if (beforeSeq !== undefined) where.push(`seq < $${params.push(beforeSeq)}`);
  if (search) {
    const n = params.push(containing(search));
    where.push(`(lower(name) LIKE $${n} OR lower(email) LIKE $${n})`);
  }
  return sql.query<AccountRecord>(`SELECT ${COLUMNS} FROM account WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $1`, params);
}
