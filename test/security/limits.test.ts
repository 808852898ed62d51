/**
 * The operation-limit attacks of the security probe (scripts/probe/attacks/limits.ts) against the
 * whole network with its default limits, the gateway in production mode: every attack is refused,
 * before any query is planned and before any subgraph is asked, and the refused mutations left the
 * database as it was.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QueryPlanner } from '@apollo/query-planner';
import { SubgraphDataSource } from '../../gateway/src/subgraph-data-source.js';
import { attacks } from '../../scripts/probe/attacks/limits.js';
import type { ProbeTarget } from '../../scripts/probe/attack.js';
import { startTestNetwork, operator, type TestNetwork } from '../e2e/network.js';

/** The one attack whose first, cheap request must run (and so plan and fetch). */
const RUNS_A_CHEAP_REQUEST = /made costly by its variables/;

let net: TestNetwork;
let target: ProbeTarget;
const planned = vi.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
const fetched = vi.spyOn(SubgraphDataSource.prototype, 'process');

beforeAll(async () => {
  net = await startTestNetwork({ production: true });
  target = {
    httpUrl: net.gatewayUrl,
    wsUrl: net.gatewayUrl.replace(/^http/, 'ws'),
    tokens: { operator: await net.tokenFor(operator) },
    subgraphUrls: Object.fromEntries(Object.entries(net.services).map(([name, service]) => [name, service.url])),
  };
});

afterAll(async () => {
  await net?.close();
});

const customers = async () => (await net.sql<{ count: number }>(`SELECT count(*)::int AS count FROM orders.customer`))[0]!.count;

describe('the operation-limit attacks of the security probe', () => {
  it.each(attacks.map((attack) => [attack.name, attack] as const))('refuses %s', async (_name, attack) => {
    const before = await customers();
    planned.mockClear();
    fetched.mockClear();
    const result = await attack.run(target);
    expect(result.skipped, result.observed).toBeFalsy();
    expect(result.passed, `${attack.expected}; observed ${result.observed}`).toBe(true);
    if (!RUNS_A_CHEAP_REQUEST.test(attack.name)) {
      expect(planned, 'no query plan was built').not.toHaveBeenCalled();
      expect(fetched, 'no subgraph was asked').not.toHaveBeenCalled();
    }
    expect(await customers()).toBe(before);
  });

  it('registered none of the aliased customers', async () => {
    const probed = await net.sql(`SELECT id FROM orders.customer WHERE email LIKE '%@limits.probe.invalid'`);
    expect(probed).toEqual([]);
  });

  it('plans nothing for the costly variables of a query it answered cheaply before', async () => {
    const query =
      'query Amplified($n: Int) { products(first: $n) { edges { node { name manufacturer { products(first: $n) { edges { node { name manufacturer { products(first: $n) { edges { node { name } } } } } } } } } } } }';
    const cheap = await net.as()(query, { n: 1 });
    expect(cheap.errors).toBeUndefined();
    planned.mockClear();
    fetched.mockClear();
    const costly = await net.as()(query, { n: 100 });
    expect(costly.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 32_000 });
    expect(planned).not.toHaveBeenCalled();
    expect(fetched).not.toHaveBeenCalled();
  });
});
