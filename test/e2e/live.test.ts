/**
 * Live updates through the gateway, as a client sees them: graphql-ws on the gateway's /graphql,
 * the token in connectionParams, fields of several subgraphs in one event.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionStats } from '../../gateway/src/subscriptions/index.js';
import { liveSubscriptionsOf } from '../../subgraphs/inventory/src/live/live-feed.js';
import { noticeSubscriptionsOf } from '../../subgraphs/manufacturer/src/live/notice-feed.js';
import { startTestNetwork, customerIdentity, manufacturerIdentity, operator, eventually, type TestNetwork } from './network.js';
import { createProduct, openRound, placeOrder, registerCustomer, registerManufacturer, type Customer } from './scenario.js';
import { gatewayLiveClient, type LiveClient } from './live-client.js';

const AVAILABILITY = 'subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { available product { id name unitPrice manufacturer { name } } } }';

describe('live updates through the gateway', () => {
  let net: TestNetwork;
  let acme: string, globex: string;
  let filler: string, tea: string, jam: string;
  let alice: Customer, bob: Customer;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    net = await startTestNetwork({ placeOrderWaitMs: 10_000 });
    [acme, globex] = await Promise.all([registerManufacturer(net, 'Acme Teas'), registerManufacturer(net, 'Globex Jams')]);
    // Plenty of something, so that selling out one product does not close the round (all depleted).
    filler = await createProduct(net, acme, { supply: 1_000_000, category: 'filler', price: '1.00' });
    tea = await createProduct(net, acme, { supply: 3, category: 'tea', price: '4.00' });
    jam = await createProduct(net, globex, { supply: 5, category: 'jam', price: '2.50' });
    await openRound(net);
    [alice, bob] = await Promise.all([registerCustomer(net, 'alice'), registerCustomer(net, 'bob')]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    // Every test starts with nothing held upstream.
    await eventually(() => subscriptionStats().upstreamSubscriptions === 0);
    await eventually(() => liveSubscriptionsOf(net.services.inventory) + noticeSubscriptionsOf(net.services.manufacturer) === 0);
  });
  afterAll(async () => net?.close());

  const connect = (token?: string) => {
    const client = gatewayLiveClient(net.gatewayUrl, token);
    clients.push(client);
    return client;
  };
  /** Notice fields send no snapshot: wait until the gateway holds the upstream subscriptions and the subgraphs have registered them. */
  async function upstreamOpen(count: number) {
    await eventually(() => subscriptionStats().upstreamSubscriptions >= count);
    await eventually(() => liveSubscriptionsOf(net.services.inventory) + noticeSubscriptionsOf(net.services.manufacturer) >= count);
  }

  it('a placed order makes availabilityChanged arrive, with fields of inventory and manufacturer in one event', async () => {
    const watch = connect().watch(AVAILABILITY, { ids: [jam] });
    const expected = { id: jam, name: expect.any(String), unitPrice: '2.50', manufacturer: { name: 'Globex Jams' } };
    expect(await watch.next('availabilityChanged')).toEqual({ available: 5, product: expected });
    expect((await placeOrder(net, alice, [{ productId: jam, quantity: 2 }])).data.placeOrder.status).toBe('CONFIRMED');
    expect(await watch.next('availabilityChanged')).toEqual({ available: 3, product: expected });
  });

  it('selling out makes stockDepleted arrive', async () => {
    const watch = connect().watch('subscription { stockDepleted { product { id name } manufacturer { name } roundNumber at } }');
    await upstreamOpen(1);
    expect((await placeOrder(net, alice, [{ productId: tea, quantity: 3 }])).data.placeOrder.status).toBe('CONFIRMED');
    const notice = await watch.next('stockDepleted');
    expect(notice).toMatchObject({ product: { id: tea, name: expect.any(String) }, manufacturer: { name: 'Acme Teas' }, roundNumber: 1 });
    expect(Number.isNaN(Date.parse(notice.at))).toBe(false);
  });

  it('orderStatusChanged follows an order through CONFIRMED and CANCELLED, each state once, and completes there', async () => {
    const placed = await placeOrder(net, bob, [{ productId: jam, quantity: 1 }]);
    const orderId = placed.data.placeOrder.id;
    const watch = connect(bob.token).watch('subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status cancellationRequested lines { product { name } quantity } } }', {
      id: orderId,
    });
    expect(await watch.next('orderStatusChanged')).toMatchObject({
      id: orderId,
      status: 'CONFIRMED',
      cancellationRequested: false,
      lines: [{ product: { name: expect.any(String) }, quantity: 1 }],
    });
    const cancelled = await net.as(bob.token)('mutation($id: ID!) { cancelOrder(id: $id) { status } }', { id: orderId });
    expect(cancelled.errors).toBeUndefined();
    // Never the same state twice: the cancellation asked (unless the answer overtook it), then CANCELLED, which is final.
    const states: string[] = [];
    for (let message = await watch.take(); message.kind !== 'complete'; message = await watch.take()) {
      expect(message.kind).toBe('next');
      const event = message.kind === 'next' ? message.payload.data.orderStatusChanged : null;
      expect(event.id).toBe(orderId);
      states.push(`${event.status}${event.cancellationRequested ? ' (cancelling)' : ''}`);
    }
    expect([['CONFIRMED (cancelling)', 'CANCELLED'], ['CANCELLED']]).toContainEqual(states);
  });

  it('a customer cannot subscribe to another customer’s order', async () => {
    const placed = await placeOrder(net, bob, [{ productId: filler, quantity: 1 }]);
    const watch = connect(alice.token).watch('subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }', { id: placed.data.placeOrder.id });
    expect(await watch.refusal()).toEqual(['FORBIDDEN']);
  });

  it('two clients with the same subscription share one upstream subscription, closed when the last leaves', async () => {
    const first = connect().watch(AVAILABILITY, { ids: [filler] });
    await first.next('availabilityChanged');
    const second = connect().watch(AVAILABILITY, { ids: [filler] });
    // The late joiner gets the latest state from the gateway (the subgraph sent its snapshot once).
    expect((await second.next('availabilityChanged')).product.id).toBe(filler);
    expect(subscriptionStats()).toMatchObject({ downstreamSubscriptions: 2, upstreamSubscriptions: 1 });
    const metrics = await (await fetch(net.metricsUrl!)).text();
    expect(metrics).toMatch(/^gateway_upstream_subscriptions 1$/m);
    // One event upstream reaches both.
    await placeOrder(net, alice, [{ productId: filler, quantity: 10 }]);
    expect((await first.next('availabilityChanged')).available).toBe(1_000_000 - 11);
    expect((await second.next('availabilityChanged')).available).toBe(1_000_000 - 11);
    first.stop();
    await eventually(() => subscriptionStats().downstreamSubscriptions === 1);
    expect(subscriptionStats().upstreamSubscriptions).toBe(1);
    second.stop();
    await eventually(() => subscriptionStats().upstreamSubscriptions === 0);
  });

  it('a manufacturer gets only its own notices; others are refused', async () => {
    const NOTICES = 'subscription($m: ID) { manufacturerNotices(manufacturerId: $m) { kind manufacturer { name } product { id name stock { available } } quantity roundNumber } }';
    const forAcme = connect(await net.tokenFor(manufacturerIdentity(acme))).watch(NOTICES);
    const forOperator = connect(await net.tokenFor(operator)).watch(NOTICES, { m: globex });
    await upstreamOpen(2);
    // Globex's goods first: Acme's first notice must still be about its own.
    await placeOrder(net, alice, [{ productId: jam, quantity: 1 }]);
    await placeOrder(net, alice, [{ productId: filler, quantity: 2 }]);
    expect(await forAcme.next('manufacturerNotices')).toMatchObject({
      kind: 'SOLD',
      manufacturer: { name: 'Acme Teas' },
      product: { id: filler, stock: { available: expect.any(Number) } },
      quantity: 2,
      roundNumber: 1,
    });
    expect(await forOperator.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', manufacturer: { name: 'Globex Jams' }, product: { id: jam }, quantity: 1 });
    await forOperator.quietFor(300);

    const otherMaker = connect(await net.tokenFor(manufacturerIdentity(globex))).watch(NOTICES, { m: acme });
    const customer = connect(await net.tokenFor(customerIdentity(alice.id))).watch(NOTICES);
    const anonymous = connect().watch(NOTICES);
    expect(await otherMaker.refusal()).toEqual(['FORBIDDEN']);
    expect(await customer.refusal()).toEqual(['FORBIDDEN']);
    expect(await anonymous.refusal()).toEqual(['UNAUTHENTICATED']);
  });
});
