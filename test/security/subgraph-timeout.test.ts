/**
 * A subgraph that accepts connections and never answers (here: inventory's URL is a TCP server
 * that reads and stays silent). The gateway answers within its bound: SUBGRAPH_TIMEOUT for that
 * subgraph's fields, the other subgraphs' data as usual, subscriptions ended with
 * SUBGRAPH_UNAVAILABLE, and it stays healthy throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { createLogger } from '@distribution/logging';
import { graphqlClient, liveClient } from '@distribution/testkit';
import { startGateway, type RunningGateway } from '@distribution/gateway';
import { SUPERGRAPH_PATH } from '../../scripts/local-network.js';
import { eventually, startTestNetwork, type TestNetwork } from '../e2e/network.js';
import { registerManufacturer } from '../e2e/scenario.js';

describe('a subgraph that never answers', () => {
  let net: TestNetwork;
  let silent: Server;
  const sockets = new Set<Socket>();
  let gateway: RunningGateway;
  let maker: string;

  beforeAll(async () => {
    net = await startTestNetwork();
    maker = await registerManufacturer(net, 'Never Late Ltd');
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;
    // A second gateway, in front of the real manufacturer and order subgraphs and the silent "inventory".
    gateway = await startGateway(
      {
        port: 0,
        accountUrl: net.services.account.url,
        internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
        manufacturerUrl: net.services.manufacturer.url,
        inventoryUrl: silentUrl,
        orderUrl: net.services.order.url,
        supergraphPath: SUPERGRAPH_PATH,
        maxConnections: 100,
        maxSubscriptionsPerConnection: 10,
        subgraphTimeoutMs: 500,
      },
      { logger: createLogger('gateway', 'silent'), subscriptionTuning: { upstreamUnavailableAfterMs: 1000 } },
    );
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await net?.close();
  });

  it("answers with SUBGRAPH_TIMEOUT for the silent subgraph's field, and the other subgraph's data", async () => {
    const res = await graphqlClient({ url: gateway.url })('{ manufacturers(first: 50) { edges { node { name } } } currentRound { number } }');
    expect(res.status).toBe(200);
    expect(res.data?.manufacturers.edges.map((edge: { node: { name: string } }) => edge.node.name)).toContain('Never Late Ltd');
    expect(res.data?.currentRound).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: 'The inventory service did not answer within 500 ms',
        extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'inventory' },
      }),
    ]);
  });

  it('answers the same again, several at once, and stays healthy and ready', async () => {
    const request = graphqlClient({ url: gateway.url });
    const answers = await Promise.all(Array.from({ length: 5 }, () => request('{ currentRound { number } offers(category: "x") { id } }')));
    for (const answer of answers) {
      expect(answer.errors?.map((error) => error.extensions?.code)).toContain('SUBGRAPH_TIMEOUT');
    }
    const origin = new URL(gateway.url).origin;
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    const manufacturer = await request('query($id: ID!) { manufacturer(id: $id) { name } }', { id: maker });
    expect(manufacturer).toMatchObject({ data: { manufacturer: { name: 'Never Late Ltd' } } });
    expect(manufacturer.errors).toBeUndefined();
  });

  it('ends a subscription on the silent subgraph with SUBGRAPH_UNAVAILABLE, and leaves no connection to it open', async () => {
    const live = liveClient(gateway.url);
    try {
      expect(await live.watch('subscription { roundChanged { number } }').refusal()).toEqual(['SUBGRAPH_UNAVAILABLE']);
    } finally {
      await live.close();
    }
    // Calls that timed out closed their sockets, and the WebSocket handshake that never completed was given up.
    await eventually(() => sockets.size === 0);
  });
});
