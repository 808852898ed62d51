/**
 * Part 4, N+1 guard: SQL statements per request for list queries at page sizes 10 and 100, read
 * from each service's statement counter (the subgraph host reports them). The host runs with a
 * long event-polling interval and nothing else is running, so the delta around one request is
 * that request's statements; each measurement is repeated and must agree.
 */
import type { BenchContext } from '../context.js';
import { must, bearer, sleep } from '../graphql.js';

export const LIST_QUERIES: Record<string, { query: string; operator: boolean; count: (data: any) => number }> = {
  'products -> manufacturer, stock': {
    query: 'query($n: Int!) { products(first: $n) { edges { node { id name unitPrice manufacturer { id name } stock { available status } } } } }',
    operator: false,
    count: (d) => d.products.edges.length,
  },
  'orders -> customer, lines -> product -> manufacturer, stock': {
    query:
      'query($n: Int!) { orders(first: $n) { edges { node { id status total customer { id name } lines { quantity product { id name manufacturer { name } stock { available } } } } } } }',
    operator: true,
    count: (d) => d.orders.edges.length,
  },
  'manufacturers -> products(first: n) -> stock': {
    query: 'query($n: Int!) { manufacturers(first: 10) { edges { node { id products(first: $n) { edges { node { id stock { available } } } } } } } }',
    operator: false,
    count: (d) => d.manufacturers.edges.reduce((n: number, e: any) => n + e.node.products.edges.length, 0),
  },
};

type Counts = Record<string, number>;

export interface NPlusOneResult {
  pageSizes: number[];
  queries: Record<
    string,
    {
      query: string;
      bySize: Record<string, { items: number; statements: number[]; perService: Counts }>;
      equal: boolean;
    }
  >;
  allEqual: boolean;
  /** Warm-up requests that failed and were sent again (a failure of the system, reported, not hidden). */
  retriedWarmups: string[];
}

const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

async function quietCounts(ctx: BenchContext): Promise<Counts> {
  let last = await ctx.network.subgraphs.request<Counts>('statements');
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    const now = await ctx.network.subgraphs.request<Counts>('statements');
    if (total(now) === total(last)) return now;
    last = now;
  }
  throw new Error('the subgraphs never went quiet (statement counts kept moving)');
}

export async function runNPlusOnePart(ctx: BenchContext): Promise<NPlusOneResult> {
  const url = ctx.network.ours.info.url;
  const operator = bearer(ctx.network.fixture.operatorToken);
  const result: NPlusOneResult = { pageSizes: ctx.settings.nPlusOne.pageSizes, queries: {}, allEqual: true, retriedWarmups: [] };
  for (const [name, q] of Object.entries(LIST_QUERIES)) {
    const headers = q.operator ? operator : {};
    const bySize: NPlusOneResult['queries'][string]['bySize'] = {};
    for (const n of ctx.settings.nPlusOne.pageSizes) {
      // Warm (plans, prepared paths). A failure here is recorded and the request sent again once.
      try {
        await must(name, url, q.query, { n }, headers);
      } catch (error) {
        result.retriedWarmups.push(`${name} page ${n}: ${(error as Error).message}`);
        ctx.log(`n+1/${name}: warm-up request failed, sending it again: ${(error as Error).message}`);
        await must(name, url, q.query, { n }, headers);
      }
      const statements: number[] = [];
      let perService: Counts = {};
      let items = 0;
      for (let rep = 0; rep < ctx.settings.nPlusOne.repeats; rep++) {
        const before = await quietCounts(ctx);
        const data = await must(name, url, q.query, { n }, headers);
        const after = await quietCounts(ctx);
        items = q.count(data);
        perService = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
        statements.push(total(perService));
      }
      bySize[String(n)] = { items, statements, perService };
    }
    const all = Object.values(bySize).flatMap((s) => s.statements);
    const equal = all.every((v) => v === all[0]);
    result.allEqual &&= equal;
    result.queries[name] = { query: q.query, bySize, equal };
    ctx.log(
      `n+1/${name}: ${Object.entries(bySize)
        .map(([n, s]) => `page ${n} (${s.items} items): ${s.statements.join('/')} statements ${JSON.stringify(s.perService)}`)
        .join('; ')}${equal ? '' : '  NOT EQUAL'}`,
    );
  }
  return result;
}
