/** Several writes in ONE round trip: pieces of a statement, composed as CTEs of one statement. */

/**
 * A piece of a statement, numbered from whatever parameter it is given: a data-modifying CTE
 * and/or expressions for the final SELECT. A batch writing several tables (and its events) sends
 * them together with `runTogether`; each piece also runs alone, as its own statement.
 */
export interface StatementPart {
  build(firstParam: number): { cte?: string; select?: string; params: unknown[] };
}

/** Runs the parts as ONE statement: their CTEs in order, then their SELECT expressions. */
export async function runTogether(sql: { query(sql: string, params?: unknown[]): Promise<unknown> }, parts: StatementPart[]): Promise<void> {
  const ctes: string[] = [];
  const selects: string[] = [];
  const params: unknown[] = [];
  for (const part of parts) {
    const built = part.build(params.length + 1);
    params.push(...built.params);
    if (built.cte) ctes.push(`w${ctes.length} AS (${built.cte})`);
    if (built.select) selects.push(built.select);
  }
  if (ctes.length === 0 && selects.length === 0) return;
  await sql.query(`${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}SELECT ${selects.length ? selects.join(', ') : '1'}`, params);
}
