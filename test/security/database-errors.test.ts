/**
 * A failure nobody expected (here: SQL against a table that is not there) reaches the client as
 * INTERNAL_SERVER_ERROR with the generic message, whichever way it came: the gateway's fast path,
 * Apollo Server's path, or an event of a subscription. The database's own words stay in the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from '@distribution/testkit';
import { startTestNetwork, type TestNetwork } from '../e2e/network.js';
import { createProduct, registerManufacturer } from '../e2e/scenario.js';

const GENERIC = 'Something went wrong on our side; it has been logged';
/** What Postgres would have said ('relation "product" does not exist'), or a trace of where: none of it may reach a client. */
const DATABASE_TEXT = /relation|does not exist|SQL|postgres|QueryFailed|stacktrace|\.ts:\d/i;

describe('an unexpected database error, seen by a client', () => {
  let net: TestNetwork;
  let live: LiveClient;
  const category = 'breakable';

  beforeAll(async () => {
    net = await startTestNetwork();
    await createProduct(net, await registerManufacturer(net), { supply: 5, category });
    live = liveClient(net.gatewayUrl);
    // The catalog's table goes away under the manufacturer service.
    await net.sql('ALTER TABLE manufacturer.product RENAME TO product_gone');
  });
  afterAll(async () => {
    await live?.close();
    await net?.sql('ALTER TABLE manufacturer.product_gone RENAME TO product').catch(() => {});
    await net?.close();
  });

  const QUERY = '{ products(first: 5) { edges { node { id name } } } }';

  it('over HTTP (the fast path): INTERNAL_SERVER_ERROR with the generic message, nothing of the database', async () => {
    const res = await net.as()(QUERY);
    expect(res.errors).toEqual([expect.objectContaining({ message: GENERIC, extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(res.errors)).not.toMatch(DATABASE_TEXT);
  });

  it("over HTTP (Apollo Server's path, a GET): the same", async () => {
    const url = `${net.gatewayUrl}?query=${encodeURIComponent(QUERY)}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const body = (await res.json()) as { errors?: unknown[] };
    expect(body.errors).toEqual([expect.objectContaining({ message: GENERIC, extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(body)).not.toMatch(DATABASE_TEXT);
  });

  it('in a subscription event (a field another subgraph resolves fails): the same', async () => {
    const watch = live.watch('subscription($c: String) { availabilityChanged(category: $c) { available product { id name } } }', { c: category });
    const message = await watch.take();
    const errors = message.kind === 'next' ? message.payload.errors : message.kind === 'error' ? message.error : undefined;
    expect(errors).toEqual([expect.objectContaining({ message: GENERIC, extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(watch.messages)).not.toMatch(DATABASE_TEXT);
    watch.stop();
  });
});
