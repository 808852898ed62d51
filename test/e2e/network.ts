/** End-to-end harness: the whole network on a fresh database, and clients that talk to the gateway. */
import { Role, type Identity } from '@distribution/auth';
import { randomBytes } from 'node:crypto';
import { deleteStream } from '@distribution/events';
import type { EventTransportSettings } from '@distribution/config';
import { createTestDatabase, graphqlClient, eventually, sharedNatsUrl, startNatsServer } from '@distribution/testkit';
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
  const events = await testEventTransport();
  const network = await startLocalNetwork({
    databaseUrl,
    eventTransport: events.settings,
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
      await events.close();
    },
  };
}

export const operator: Identity = { sub: 'operator-1', role: Role.Operator };
export const manufacturerIdentity = (id: string): Identity => ({ sub: id, role: Role.Manufacturer });
export const customerIdentity = (id: string): Identity => ({ sub: id, role: Role.Customer });
export { eventually };

/**
 * EVENT_TRANSPORT=nats (`npm run test:nats`): the network's events go through JetStream, on a stream
 * and subjects of its own (networks of other test files run beside it on the same server), on
 * NATS_URL, else the shared server on 4222, else a nats-server of its own.
 */
async function testEventTransport(): Promise<{ settings: EventTransportSettings; close(): Promise<void> }> {
  if (process.env.EVENT_TRANSPORT !== 'nats') return { settings: { name: 'postgres' }, close: async () => {} };
  const tag = randomBytes(4).toString('hex');
  const given = process.env.NATS_URL ?? (await sharedNatsUrl());
  const own = given ? null : await startNatsServer();
  const natsUrl = given ?? own!.url;
  const stream = `E2E_${tag.toUpperCase()}`;
  return {
    settings: { name: 'nats', natsUrl, stream, subjectRoot: `e2e${tag}` },
    close: async () => {
      await deleteStream(natsUrl, stream).catch(() => false);
      await own?.dispose();
    },
  };
}
