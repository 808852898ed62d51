/** A subgraph's WebSocket endpoint opens only for the gateway, and reads only small frames. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { gql } from 'graphql-tag';
import { WebSocket } from 'ws';
import { identityToHeaders, IdentityHeader } from '@distribution/auth';
import { createLogger } from '@distribution/logging';
import { startSubgraph, type RunningSubgraph } from '../src/subgraph-server.js';

const CREDENTIAL = 'ws-upgrade-credential';

const schema = buildSubgraphSchema({
  typeDefs: gql`
    type Query {
      ok: Boolean
    }
    type Subscription {
      tick: Int!
    }
  `,
  resolvers: {
    Subscription: {
      tick: {
        subscribe: async function* () {
          yield 1;
        },
        resolve: (value: number) => value,
      },
    },
  } as never,
});

type Attempt = { status: number; ws?: WebSocket; messages: string[] };

/** Opens a graphql-transport-ws socket with `headers` on the upgrade: its HTTP status, and the socket when it opened. */
function attempt(url: string, headers: Record<string, string> = {}): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    const messages: string[] = [];
    ws.on('message', (data) => messages.push(String(data)));
    ws.once('open', () => resolve({ status: 101, ws, messages }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode!, messages });
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

const closeOf = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
const until = async (probe: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("a subgraph's WebSocket endpoint", () => {
  let subgraph: RunningSubgraph;
  beforeAll(async () => {
    subgraph = await startSubgraph({
      name: 'ws-upgrade',
      schema,
      port: 0,
      host: '127.0.0.1',
      internalCredential: CREDENTIAL,
      logger: createLogger('ws-upgrade', 'silent'),
      createContext: (base) => base,
    });
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  it('refuses an upgrade without the internal credential with 403, before any frame', async () => {
    expect((await attempt(subgraph.url)).status).toBe(403);
    expect((await attempt(subgraph.url, { [IdentityHeader.InternalCredential]: 'a-guess-of-the-same-length' })).status).toBe(403);
  });

  it('opens for the credential on the upgrade, and still wants it in connection_init', async () => {
    const withParams = await attempt(subgraph.url, identityToHeaders(null, CREDENTIAL));
    expect(withParams.status).toBe(101);
    withParams.ws!.send(JSON.stringify({ type: 'connection_init', payload: identityToHeaders(null, CREDENTIAL) }));
    await until(() => withParams.messages.length > 0);
    expect(JSON.parse(withParams.messages[0]!)).toEqual({ type: 'connection_ack' });
    withParams.ws!.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { tick }' } }));
    await until(() => withParams.messages.length > 1);
    expect(JSON.parse(withParams.messages[1]!)).toEqual({ id: '1', type: 'next', payload: { data: { tick: 1 } } });
    withParams.ws!.close();

    const headerOnly = await attempt(subgraph.url, identityToHeaders(null, CREDENTIAL));
    const closed = closeOf(headerOnly.ws!);
    headerOnly.ws!.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    expect(await closed).toBe(4403);
  });

  it('closes a socket that sends a frame over 64 KiB with 1009', async () => {
    const { ws } = await attempt(subgraph.url, identityToHeaders(null, CREDENTIAL));
    const closed = closeOf(ws!);
    ws!.send('x'.repeat(6 * 1024 * 1024));
    expect(await closed).toBe(1009);
  });
});
