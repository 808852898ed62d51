/** End-to-end harness: the whole network on a fresh database, and clients that talk to the gateway. */
import { Role, type Identity } from '@distribution/auth';
import { createTestDatabase, graphqlClient, eventually } from '@distribution/testkit';
import { LOAD_TEST_LIMITS, startLocalNetwork, type LocalNetwork, type LocalNetworkOptions } from '../../scripts/local-network.js';
import pg from 'pg';

export interface TestNetwork extends LocalNetwork {
  databaseUrl: string;
  /** Sends a GraphQL request through the gateway, as `identity` (anonymous when omitted). */
  as(identity?: Identity | string | null): ReturnType<typeof graphqlClient>;
  /** A token for any identity, signed with the account service's key (the test-key path: no sign-in needed). */
  tokenFor(identity: Identity, expiresIn?: number | string): Promise<string>;
  /** Reads any schema directly: tests check invariants across services this way, services never do. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Rate limits are out of the way unless a test sets its own (`rateLimits`, `maxConnectionsPerAddress`). */
export async function startTestNetwork(options: Partial<LocalNetworkOptions> = {}): Promise<TestNetwork> {
  const databaseUrl = await createTestDatabase('e2e');
  const network = await startLocalNetwork({
    databaseUrl,
    eventPollIntervalMs: 200,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...LOAD_TEST_LIMITS,
    ...options,
    rateLimits: { ...LOAD_TEST_LIMITS.rateLimits, ...options.rateLimits },
  });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  const tokenFor = (identity: Identity, expiresIn?: number | string) => network.signToken(identity, expiresIn);
  return {
    ...network,
    databaseUrl,
    tokenFor,
    as(identity) {
      if (!identity) return graphqlClient({ url: network.gatewayUrl });
      let token: Promise<string>;
      if (typeof identity === 'string') token = Promise.resolve(identity);
      else token = tokenFor(identity);
      const base = graphqlClient({ url: network.gatewayUrl });
      return (async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
        base(query, variables, { authorization: `Bearer ${await token}`, ...headers })) as ReturnType<typeof graphqlClient>;
    },
    sql: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    close: async () => {
      await network.stop();
      await pool.end();
    },
  };
}

export const operator: Identity = { sub: 'operator-1', role: Role.Operator };
export const manufacturerIdentity = (id: string): Identity => ({ sub: id, role: Role.Manufacturer });
export const customerIdentity = (id: string): Identity => ({ sub: id, role: Role.Customer });
export { eventually };
