/**
 * A subgraph keeps a depth limit of its own (src/depth-limit.ts), over HTTP and over graphql-ws,
 * for whoever reaches it without the gateway's limits; what the gateway sends (`_entities`
 * included) up to the limit is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { gql } from 'graphql-tag';
import { pino } from 'pino';
import { identityToHeaders } from '@distribution/auth';
import { liveClient, type LiveClient } from '@distribution/testkit';
import { startSubgraph, type RunningSubgraph } from '../src/subgraph-server.js';

const CREDENTIAL = 'depth-limit-credential';
const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    part(id: ID!): Part
  }
  type Subscription {
    partChanged: Part!
  }
  type Part @key(fields: "id") {
    id: ID!
    parent: Part
  }
`;
/** Resolver calls: a refused operation makes none. */
let resolved = 0;
const part = (id: string) => {
  resolved++;
  return { id };
};
const resolvers = {
  Query: { part: (_: unknown, { id }: { id: string }) => part(id) },
  Subscription: {
    partChanged: {
      subscribe: async function* () {
        yield part('p1');
      },
      resolve: (value: unknown) => value,
    },
  },
  Part: { parent: ({ id }: { id: string }) => part(`${id}.parent`), __resolveReference: ({ id }: { id: string }) => part(id) },
};

/** `{ part { parent { ... id } } }` exactly `depth` fields deep. */
const nested = (root: string, depth: number) => `{ ${root} { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

describe("a subgraph's own depth limit", () => {
  let subgraph: RunningSubgraph;
  let client: LiveClient;

  beforeAll(async () => {
    subgraph = await startSubgraph({
      name: 'depth-limit',
      schema: buildSubgraphSchema({ typeDefs, resolvers }),
      port: 0,
      host: '127.0.0.1',
      maxDepth: 5,
      internalCredential: CREDENTIAL,
      logger: pino({ level: 'silent' }),
      createContext: (base) => base,
    });
    client = liveClient(subgraph.url, identityToHeaders(null, CREDENTIAL));
  });

  afterAll(async () => {
    await client?.close();
    await subgraph?.stop();
  });

  const post = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...identityToHeaders(null, CREDENTIAL) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> } };
  };

  it('serves an operation at the limit', async () => {
    expect((await post(nested('part(id: "p")', 5))).body.data.part.parent.parent.parent.id).toBe('p.parent.parent.parent');
  });

  it('refuses a deeper one over HTTP before resolving anything', async () => {
    const before = resolved;
    const { status, body } = await post(nested('part(id: "p")', 6));
    expect(status).toBe(400);
    // Apollo Server codes every validation failure GRAPHQL_VALIDATION_FAILED; the figures stay.
    expect(body.errors).toEqual([
      { message: 'The operation nests fields 6 levels deep; the limit is 5', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 5, actual: 6 } },
    ]);
    expect(resolved).toBe(before);
  });

  it("serves the gateway's _entities fetches, the inline fragment adding no level", async () => {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Part { parent { parent { parent { id } } } } } }`;
    const { body } = await post(query, { representations: [{ __typename: 'Part', id: 'e' }] });
    expect(body.data._entities[0].parent.parent.parent.id).toBe('e.parent.parent.parent');
  });

  it('refuses a deeper subscription over graphql-ws', async () => {
    expect(await client.watch(`subscription ${nested('partChanged', 6)}`).refusal()).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await client.watch(`subscription ${nested('partChanged', 5)}`).next('partChanged')).toEqual({ parent: { parent: { parent: { id: 'p1.parent.parent.parent' } } } });
  });
});
