/** Customers: registration and lookups. */
import { Any, type FindOptionsSelect } from 'typeorm';
import { repositoryOf, type Sql } from '@distribution/db';
import { CustomerEntity } from './entities/index.js';
import type { CustomerRecord } from './records.js';

const RECORD = { id: true, name: true, email: true } satisfies Record<keyof CustomerRecord, true> & FindOptionsSelect<CustomerEntity>;

/** Registers a customer; null when the email (in any case) is already registered. */
export async function registerCustomer(sql: Sql, name: string, email: string): Promise<CustomerRecord | null> {
  const { raw } = await repositoryOf(sql, CustomerEntity).createQueryBuilder()
    .insert().values({ name, email })
    .orIgnore()
    .returning(Object.keys(RECORD))
    .updateEntity(false)
    .execute();
  const [row] = raw as CustomerRecord[];
  return row ?? null;
}

/** The customers with these ids, in ONE statement (the loader). */
export async function customersByIds(sql: Sql, ids: readonly string[]): Promise<CustomerRecord[]> {
  return repositoryOf(sql, CustomerEntity).find({ select: RECORD, where: { id: Any([...ids]) } });
}

/**
 * Locks the customer's row for the rest of the transaction: cart changes and checkouts of one
 * customer take turns, so a cart is never ordered twice nor changed while it is being ordered.
 * False when there is no such customer.
 */
export async function lockCustomer(sql: Sql, id: string): Promise<boolean> {
  const customer = await repositoryOf(sql, CustomerEntity).findOne({ select: { id: true }, where: { id }, lock: { mode: 'pessimistic_write' } });
  return customer !== null;
}
