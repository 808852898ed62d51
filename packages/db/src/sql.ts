/**
 * What a service's data access runs on, typed: raw statements where they pay (set-based writes,
 * locks, one-statement batches) with rows typed from the entities, and TypeORM's manager for
 * repositories and the query builder, both on the same connection (the pool's or a transaction's).
 */
import type { EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { returnedRows } from './database.js';

export interface Sql {
  /**
   * Runs one statement and gives its rows: what it selects, or what its RETURNING returns (also
   * for UPDATE and DELETE). `Row` is the shape the statement selects, written from the entity
   * types (`Pick<StockItemEntity, ...>` when it aliases columns to property names, `Columns<...>`
   * when it selects them by column name).
   */
  query<Row = unknown>(text: string, params?: unknown[]): Promise<Row[]>;
  /** TypeORM's manager on the same connection: repositories and the query builder. */
  readonly manager: EntityManager;
}

/** An entity's repository on the connection of `sql` (inside its transaction, if it has one). */
export function repositoryOf<E extends ObjectLiteral>(sql: Sql, entity: EntityTarget<E>): Repository<E> {
  return sql.manager.getRepository(entity);
}

/** The Sql of a transaction's manager (or of any EntityManager). */
export function sqlOf(manager: EntityManager): Sql {
  return {
    manager,
    query: async <Row>(text: string, params?: unknown[]) => returnedRows<Row>(await manager.query(text, params)),
  };
}

/** `unitPriceCents` → `unit_price_cents`: the column name of a property, as the entities name them. */
export type ColumnName<P extends string> = P extends `${infer Head}${infer Tail}` ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${ColumnName<Tail>}` : P;

/**
 * A row as raw SQL returns it when it selects columns by name: the entity's properties under
 * their column names (`Columns<StockItemEntity, 'productId' | 'onHand'>` is
 * `{ product_id: string; on_hand: number }`).
 */
export type Columns<E, K extends keyof E & string = keyof E & string> = { [P in K as ColumnName<P>]: E[P] };
