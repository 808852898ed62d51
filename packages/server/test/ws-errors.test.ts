import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { gql } from 'graphql-tag';
import { pino } from 'pino';
import { identityToHeaders } from '@distribution/auth';
import { forbidden } from '@distribution/errors';
import { REQUEST_ID_HEADER } from '@distribution/logging';
import { liveClient, type LiveClient, type LiveWatch } from '@distribution/testkit';
import { LiveStream, liveUpdatesInterrupted } from '../src/live-stream.js';
import { startSubgraph, type RunningSubgraph } from '../src/subgraph-server.js';

const CREDENTIAL = 'ws-errors-credential';
const REQUEST_ID = 'ws-errors-request';
/** What an internal failure says: none of it may reach a client. */
const SECRET = 'connect ECONNREFUSED 10.0.0.7:5432 (password=hunter2)';

const typeDefs = gql`
  type Query {
    ok: Boolean
  }
  type Subscription {
    failsToStart: Int!
    refused: Int!
    brokenFirstEvent: Int!
    failsMidway: Int!
    interrupted: Int!
    count(upTo: Int!): Int!
  }
`;

async function* events(...values: number[]) {
  for (const value of values) yield value;
}
async function* failingAfter(value: number): AsyncGenerator<number> {
  yield value;
  throw new Error(SECRET);
}

const resolvers = {
  Subscription: {
    failsToStart: {
      subscribe: () => {
        throw new Error(SECRET);
      },
    },
    refused: {
      subscribe: () => {
        throw forbidden();
      },
    },
    brokenFirstEvent: {
      subscribe: () => events(1, 2),
      resolve: (value: number) => {
        if (value === 1) throw new Error(SECRET);
        return value;
      },
    },
    failsMidway: { subscribe: () => failingAfter(1), resolve: (value: number) => value },
    interrupted: {
      subscribe: () => {
        const stream = new LiveStream<number>(() => {});
        stream.push(1);
        stream.fail(liveUpdatesInterrupted('the connection to the database was lost'));
        return stream;
      },
      resolve: (value: number) => value,
    },
    count: { subscribe: (_: unknown, { upTo }: { upTo: number }) => events(...Array.from({ length: upTo }, (_, i) => i + 1)), resolve: (value: number) => value },
  },
};

/** Everything a client could read: no secret, no stack frame, no stack trace field. */
function expectNothingInternal(watch: LiveWatch) {
  const seen = JSON.stringify(watch.messages);
  expect(seen).not.toContain('hunter2');
  expect(seen).not.toContain('ECONNREFUSED');
  expect(seen).not.toMatch(/stacktrace|\bat .*\.(ts|js):\d+/);
}

describe('errors on a subgraph graphql-ws endpoint', () => {
  let subgraph: RunningSubgraph;
  let client: LiveClient;
  const logged: Array<Record<string, any>> = [];

  beforeAll(async () => {
    const logger = pino(
      { level: 'error' },
      {
        write: (line: string) => {
          logged.push(JSON.parse(line));
        },
      },
    );
    subgraph = await startSubgraph({
      name: 'ws-errors',
      schema: buildSubgraphSchema({ typeDefs, resolvers }),
      port: 0,
      host: '127.0.0.1',
      internalCredential: CREDENTIAL,
      logger,
      createContext: (base) => base,
    });
    client = liveClient(subgraph.url, { ...identityToHeaders(null, CREDENTIAL), [REQUEST_ID_HEADER]: REQUEST_ID });
  });

  afterAll(async () => {
    await client?.close();
    await subgraph?.stop();
  });

  it('an internal error thrown by a subscribe resolver reaches the client as INTERNAL_SERVER_ERROR, without its message or stack, and is logged with the request id', async () => {
    const watch = client.watch('subscription { failsToStart }');
    const message = await watch.take();
    expect(message).toEqual({
      kind: 'next',
      payload: {
        errors: [
          {
            message: 'Something went wrong on our side; it has been logged',
            locations: [{ line: 1, column: 16 }],
            path: ['failsToStart'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      },
    });
    await watch.completion();
    expectNothingInternal(watch);
    expect(logged).toContainEqual(expect.objectContaining({ requestId: REQUEST_ID, msg: 'unexpected error', err: expect.objectContaining({ message: SECRET }) }));
  });

  it('an event whose resolver throws is sent coded INTERNAL_SERVER_ERROR, and the subscription goes on', async () => {
    const watch = client.watch('subscription { brokenFirstEvent }');
    expect(await watch.take()).toMatchObject({ kind: 'next', payload: { data: null, errors: [{ path: ['brokenFirstEvent'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } });
    expect(await watch.next('brokenFirstEvent')).toBe(2);
    await watch.completion();
    expectNothingInternal(watch);
  });

  it('a stream that fails midway ends with an error coded INTERNAL_SERVER_ERROR, without its message', async () => {
    const watch = client.watch('subscription { failsMidway }');
    expect(await watch.next('failsMidway')).toBe(1);
    expect(await watch.refusal()).toEqual(['INTERNAL_SERVER_ERROR']);
    expectNothingInternal(watch);
  });

  it('a coded error keeps its code and message: a refusal, a live stream that was interrupted', async () => {
    const refused = client.watch('subscription { refused }');
    expect(await refused.take()).toMatchObject({ kind: 'next', payload: { errors: [{ message: 'You are not allowed to do this', extensions: { code: 'FORBIDDEN' } }] } });
    const interrupted = client.watch('subscription { interrupted }');
    expect(await interrupted.next('interrupted')).toBe(1);
    const ended = await interrupted.take();
    expect(ended).toMatchObject({
      kind: 'error',
      error: [{ message: expect.stringContaining('Live updates were interrupted'), extensions: { code: 'LIVE_UPDATES_INTERRUPTED' } }],
    });
  });

  it('an operation the client got wrong is refused with the code the HTTP path gives it, and the connection stays open', async () => {
    expect(await client.watch('subscription { failsToStart').refusal()).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(await client.watch('subscription { noSuchField }').refusal()).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await client.watch('subscription A { refused } subscription B { refused }').refusal()).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(await client.watch('subscription ($n: Int!) { count(upTo: $n) }', { n: 'two' }).refusal()).toEqual(['BAD_USER_INPUT']);
    const counting = client.watch('subscription ($n: Int!) { count(upTo: $n) }', { n: 2 });
    expect(await counting.nextMany('count', 2)).toEqual([1, 2]);
    await counting.completion();
  });
});
