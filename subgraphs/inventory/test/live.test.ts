import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityToHeaders, type Identity } from '@distribution/auth';
import { sqlOf, type ServiceDatabase } from '@distribution/db';
import { PostgresListener } from '@distribution/events';
import { createTestDatabase, duringListenOutage, eventually, liveClient, type LiveClient } from '@distribution/testkit';
import { applyReservationBatch } from '../src/events/order-events.js';
import { readOrderRequest } from '../src/events/payloads.js';
import { checkOptions } from '../src/settings.js';
import { availabilityFilter } from '../src/live/filters.js';
import { InventoryLiveFeed } from '../src/live/live-feed.js';
import { LIVE_CHANNEL } from '../src/live/notifications.js';
import {
  CLOSE_ROUND,
  CREDENTIAL,
  customer,
  manufacturer as manufacturerIdentity,
  OPEN_ROUND,
  openInspector,
  operator,
  orderPlaced,
  product,
  published,
  quietLogger,
  settlementApplied,
  startFakeProducer,
  startInventory,
  supplyChanged,
  untilKnown,
  type FakeProducer,
  type InventoryUnderTest,
  type PublishedEvent,
} from './support/harness.js';

const STOCK = 'product { id } onHand reserved available lowStockThreshold status roundNumber';
const WATCH_IDS = `subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { ${STOCK} } }`;
const WATCH_CATEGORY = `subscription($category: String) { availabilityChanged(category: $category) { ${STOCK} } }`;
const byId = (a: { product: { id: string } }, b: { product: { id: string } }) => (a.product.id < b.product.id ? -1 : 1);

describe('live stock, depletion and rounds over graphql-ws', () => {
  let url: string;
  let primary: InventoryUnderTest;
  let replica: InventoryUnderTest;
  let orders: FakeProducer;
  let manufacturer: FakeProducer;
  let inspector: ServiceDatabase;
  const clients: LiveClient[] = [];
  const m1 = randomUUID();
  const m2 = randomUUID();
  const a = product(m1, { category: 'tea' });
  const b = product(m2, { category: 'tea' });
  const c = product(m2, { category: 'coffee' });
  const e = product(m1, { category: 'cocoa' });

  beforeAll(async () => {
    url = await createTestDatabase('inv_live');
    [orders, manufacturer] = await Promise.all([startFakeProducer(url, 'order_fake'), startFakeProducer(url, 'manufacturer_fake')]);
    primary = await startInventory(url, { lowStockThreshold: 2 });
    // A second replica on the same database (same schema, same bus consumers): the one a subscriber may happen to reach.
    replica = await startInventory(url, { lowStockThreshold: 2 });
    inspector = await openInspector(url);
    await manufacturer.publish(supplyChanged(a, 10, 10, 'CREATED'), supplyChanged(b, 3, 3, 'CREATED'), supplyChanged(c, 5, 5, 'CREATED'), supplyChanged(e, 2, 2, 'CREATED'));
    await untilKnown(inspector, [a.productId, b.productId, c.productId, e.productId]);
    expect((await primary.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await Promise.all([primary?.service.stop(), replica?.service.stop()]);
    await Promise.all([orders?.stop(), manufacturer?.stop(), inspector?.close()]);
  });

  const connect = (to: InventoryUnderTest = primary, identity: Identity | null = null) => {
    const client = liveClient(to.service.url, identityToHeaders(identity, CREDENTIAL));
    clients.push(client);
    return client;
  };

  /** Publishes one order and waits for inventory's answer (so the next one is a separate transaction). */
  async function order(lines: Array<[string, number]>): Promise<PublishedEvent> {
    const orderId = randomUUID();
    await orders.publish(orderPlaced(orderId, lines));
    return eventually(async () => (await published(inspector, ['StockReserved', 'StockRejected'])).find((o) => o.payload.orderId === orderId));
  }

  it('sends the stock of every watched product first, then each committed change, in commit order', async () => {
    const watch = connect().watch(WATCH_IDS, { ids: [a.productId, b.productId] });
    const snapshot = await watch.nextMany('availabilityChanged', 2);
    expect(snapshot).toEqual(
      [
        { product: { id: a.productId }, onHand: 10, reserved: 0, available: 10, lowStockThreshold: 2, status: 'IN_STOCK', roundNumber: 1 },
        { product: { id: b.productId }, onHand: 3, reserved: 0, available: 3, lowStockThreshold: 2, status: 'IN_STOCK', roundNumber: 1 },
      ].sort(byId),
    );
    expect((await order([[a.productId, 2]])).type).toBe('StockReserved');
    expect(await watch.next('availabilityChanged')).toMatchObject({ product: { id: a.productId }, reserved: 2, available: 8 });
    expect((await order([[a.productId, 1]])).type).toBe('StockReserved');
    expect(await watch.next('availabilityChanged')).toMatchObject({ product: { id: a.productId }, reserved: 3, available: 7 });
    // A product nobody watches here changes: nothing arrives.
    expect((await order([[c.productId, 1]])).type).toBe('StockReserved');
    await watch.quietFor(300);
  });

  it('watches a category: its products now, then only changes of them', async () => {
    const watch = connect().watch(WATCH_CATEGORY, { category: 'coffee' });
    expect(await watch.next('availabilityChanged')).toMatchObject({ product: { id: c.productId }, reserved: 1 });
    await order([[a.productId, 1]]);
    await order([[c.productId, 1]]);
    expect(await watch.next('availabilityChanged')).toMatchObject({ product: { id: c.productId }, reserved: 2 });
  });

  it('watches every product when given neither ids nor a category, and tells of products it has never heard of as empty', async () => {
    const everything = connect().watch(`subscription { availabilityChanged { ${STOCK} } }`);
    const snapshot = await everything.nextMany<{ product: { id: string } }>('availabilityChanged', 4);
    expect(snapshot.map((s) => s.product.id)).toEqual([a, b, c, e].map((p) => p.productId).sort());
    const unknown = randomUUID();
    const one = connect().watch(WATCH_IDS, { ids: [unknown] });
    expect(await one.next('availabilityChanged')).toEqual({
      product: { id: unknown },
      onHand: 0,
      reserved: 0,
      available: 0,
      lowStockThreshold: 2,
      status: 'DEPLETED',
      roundNumber: null,
    });
  });

  it('refuses too many ids, malformed ids and an empty or overlong category with BAD_USER_INPUT', async () => {
    const client = connect();
    const tooMany = client.watch(WATCH_IDS, { ids: Array.from({ length: 501 }, () => randomUUID()) });
    const malformed = client.watch(WATCH_IDS, { ids: [a.productId, 'not-an-id'] });
    const none = client.watch(WATCH_IDS, { ids: [] });
    const long = client.watch(WATCH_CATEGORY, { category: 'x'.repeat(101) });
    const empty = client.watch(WATCH_CATEGORY, { category: ' ' });
    for (const refused of [tooMany, malformed, none, long, empty]) expect(await refused.refusal()).toEqual(['BAD_USER_INPUT']);
    // 500 ids are fine.
    const most = client.watch(WATCH_IDS, { ids: [a.productId, ...Array.from({ length: 499 }, () => randomUUID())] });
    expect(await most.nextMany('availabilityChanged', 500)).toHaveLength(500);
  });

  it('sends the items low now, then each product as it falls to its threshold', async () => {
    const watch = connect().watch(`subscription { lowStock { ${STOCK} } }`);
    // e started with 2 units, at the threshold of 2.
    expect(await watch.next('lowStock')).toMatchObject({ product: { id: e.productId }, available: 2, status: 'LOW' });
    expect((await order([[b.productId, 1]])).type).toBe('StockReserved');
    expect(await watch.next('lowStock')).toMatchObject({ product: { id: b.productId }, available: 2, status: 'LOW' });
  });

  it('announces a depletion once it happens, with no snapshot before', async () => {
    const watch = connect().watch('subscription { stockDepleted { product { id } manufacturerId manufacturer { id } roundNumber at } }');
    await watch.quietFor(300);
    const before = Date.now();
    expect((await order([[b.productId, 2]])).type).toBe('StockReserved');
    const notice = await watch.next('stockDepleted');
    expect(notice).toMatchObject({ product: { id: b.productId }, manufacturerId: m2, manufacturer: { id: m2 }, roundNumber: 1 });
    // Stamped when the unit ran out: after the order, before the notice arrived (1 s for clock rounding).
    expect(new Date(notice.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(notice.at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('announces nothing for a transaction that rolls back', async () => {
    const watch = connect().watch(WATCH_IDS, { ids: [e.productId] });
    expect(await watch.next('availabilityChanged')).toMatchObject({ reserved: 0 });
    // The real reservation code, in a transaction that then fails: its NOTIFY must never be delivered.
    const deps = { ...checkOptions({ lowStockThreshold: 2 }), logger: quietLogger() };
    const request = readOrderRequest({
      id: randomUUID(),
      source: 'order_fake',
      position: 0,
      occurredAt: new Date().toISOString(),
      ...orderPlaced(randomUUID(), [[e.productId, 2]]),
    });
    await expect(
      primary.service.database.transaction(async (sql) => {
        await applyReservationBatch(sqlOf(sql), [request], deps);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    await watch.quietFor(300);
    expect((await order([[e.productId, 1]])).type).toBe('StockReserved');
    expect(await watch.next('availabilityChanged')).toMatchObject({ product: { id: e.productId }, onHand: 2, reserved: 1, available: 1 });
  });

  it('delivers a change committed through one replica to subscribers of the other', async () => {
    const onReplica = connect(replica).watch(WATCH_IDS, { ids: [a.productId] });
    const onPrimary = connect(primary).watch(WATCH_IDS, { ids: [a.productId] });
    await onReplica.next('availabilityChanged');
    await onPrimary.next('availabilityChanged');
    const set = await primary.as(operator)('mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 7) { lowStockThreshold } }', { id: a.productId });
    expect(set.errors).toBeUndefined();
    expect(await onReplica.next('availabilityChanged')).toMatchObject({ product: { id: a.productId }, lowStockThreshold: 7 });
    expect(await onPrimary.next('availabilityChanged')).toMatchObject({ product: { id: a.productId }, lowStockThreshold: 7 });
    // And through the replica, to the primary's subscribers.
    await replica.as(operator)('mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 3) { lowStockThreshold } }', { id: a.productId });
    expect(await onPrimary.next('availabilityChanged')).toMatchObject({ lowStockThreshold: 3 });
    expect(await onReplica.next('availabilityChanged')).toMatchObject({ lowStockThreshold: 3 });
  });

  it('reads the state of all products of one announcement with ONE statement, however many subscriptions want them', async () => {
    // A feed on a database of its own, so that its statements can be counted.
    const database = await openInspector(url);
    const listener = new PostgresListener(url);
    try {
      const feed = new InventoryLiveFeed(database, listener, 2, quietLogger());
      const all = await feed.availability(availabilityFilter({}));
      const tea = await feed.availability(availabilityFilter({ category: 'tea' }));
      const one = await feed.availability(availabilityFilter({ productIds: [a.productId] }));
      const take = async (stream: typeof all, count: number) => {
        const ids = [];
        for (let i = 0; i < count; i += 1) ids.push((await stream.next()).value!.productId);
        return ids.sort();
      };
      expect([await take(all, 4), await take(tea, 2), await take(one, 1)]).toEqual([
        [a, b, c, e].map((p) => p.productId).sort(),
        [a, b].map((p) => p.productId).sort(),
        [a.productId],
      ]);
      const before = database.statements.count;
      await primary.service.database.query(`SELECT pg_notify('${LIVE_CHANNEL}', $1)`, [JSON.stringify({ kind: 'stock', ids: [a, b, c, e].map((p) => p.productId) })]);
      expect([await take(all, 4), await take(tea, 2), await take(one, 1)]).toEqual([
        [a, b, c, e].map((p) => p.productId).sort(),
        [a, b].map((p) => p.productId).sort(),
        [a.productId],
      ]);
      expect(database.statements.count - before).toBe(1);
      for (const stream of [all, tea, one]) await stream.return();
      expect(feed.size).toBe(0);
    } finally {
      await listener.stop();
      await database.close();
    }
  });

  it('after losing its LISTEN connection, sends state subscriptions what changed meanwhile (a fresh snapshot) and ends depletion notices, coded', async () => {
    const client = connect();
    const stock = client.watch(WATCH_IDS, { ids: [a.productId, c.productId] });
    const low = client.watch(`subscription { lowStock { ${STOCK} } }`);
    const rounds = client.watch('subscription { roundChanged { number status } }');
    const depletions = client.watch('subscription { stockDepleted { product { id } } }');
    const before = (await stock.nextMany('availabilityChanged', 2)).sort(byId);
    expect(await rounds.next('roundChanged')).toEqual({ number: 1, status: 'OPEN' });
    await depletions.quietFor(300); // open by now (a notice subscription sends nothing first)
    low.drain(); // the items low now
    const threshold = before.find((s) => s.product.id === a.productId).available;

    // Nobody listens while the threshold changes: its NOTIFY is lost, so only a resumption can tell of it.
    await duringListenOutage(url, async () => {
      const set = await primary.as(operator)('mutation($id: ID!, $t: Int!) { setLowStockThreshold(productId: $id, threshold: $t) { status } }', { id: a.productId, t: threshold });
      expect(set.errors).toBeUndefined();
    });
    const now = before.map((s) => (s.product.id === a.productId ? { ...s, lowStockThreshold: threshold, status: 'LOW' } : s));
    expect((await stock.nextMany('availabilityChanged', 2)).sort(byId)).toEqual(now);
    expect(await rounds.next('roundChanged')).toEqual({ number: 1, status: 'OPEN' });
    expect(await depletions.refusal()).toEqual(['LIVE_UPDATES_INTERRUPTED']);
    const lowNow = [];
    for (let event = await low.next('lowStock'); ; event = await low.next('lowStock')) {
      lowNow.push(event);
      if (event.product.id === a.productId) break;
    }
    expect(lowNow.at(-1)).toMatchObject({ available: threshold, lowStockThreshold: threshold, status: 'LOW' });

    // And live updates go on over the new connection.
    await primary.as(operator)('mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 3) { status } }', { id: a.productId });
    expect(await stock.next('availabilityChanged')).toMatchObject({ product: { id: a.productId }, lowStockThreshold: 3, status: 'IN_STOCK' });
  });

  it('refuses round sales to anonymous callers and customers when they subscribe', async () => {
    const SALES = 'subscription { roundChanged { number ...lines } } fragment lines on DistributionRound { sales { unitsSold } }';
    expect(await connect(replica).watch(SALES).refusal()).toEqual(['UNAUTHENTICATED']);
    expect(await connect(replica, customer()).watch(SALES).refusal()).toEqual(['FORBIDDEN']);
  });

  it('sends the current round, then its closing and its settlement', async () => {
    const ROUND_WITH_SALES = 'subscription { roundChanged { number status closeReason sales { product { id } unitsSold } } }';
    const watch = connect(replica, operator).watch(ROUND_WITH_SALES);
    // A manufacturer's events carry its own lines only; the round alone is public.
    const forM1 = connect(replica, manufacturerIdentity(m1)).watch(ROUND_WITH_SALES);
    const publicView = connect(replica).watch('subscription { roundChanged { number status } }');
    expect(await watch.next('roundChanged')).toMatchObject({ number: 1, status: 'OPEN', closeReason: null, sales: [] });
    expect(await forM1.next('roundChanged')).toMatchObject({ number: 1, status: 'OPEN', sales: [] });
    expect(await publicView.next('roundChanged')).toEqual({ number: 1, status: 'OPEN' });
    expect((await primary.as(operator)(CLOSE_ROUND)).errors).toBeUndefined();
    const closed = await watch.next('roundChanged');
    expect(closed).toMatchObject({ number: 1, status: 'CLOSED', closeReason: 'OPERATOR' });
    expect(closed.sales.map((s: { product: { id: string } }) => s.product.id).sort()).toEqual([a, b, c, e].map((p) => p.productId).sort());
    expect((await forM1.next('roundChanged')).sales.map((s: { product: { id: string } }) => s.product.id).sort()).toEqual([a, e].map((p) => p.productId).sort());
    expect(await publicView.next('roundChanged')).toEqual({ number: 1, status: 'CLOSED' });
    await manufacturer.publish(settlementApplied(1, m1), settlementApplied(1, m2));
    expect(await watch.next('roundChanged', 10_000)).toMatchObject({ number: 1, status: 'SETTLED' });
    expect((await primary.as(operator)(OPEN_ROUND)).errors).toBeUndefined();
    expect(await watch.next('roundChanged')).toMatchObject({ number: 2, status: 'OPEN' });
  });
});
