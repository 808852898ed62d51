/** What data access functions run their statements on: a transaction's manager or the pool. */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

export { runTogether, type StatementPart } from '@distribution/db';
