import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openServiceDatabase, sqlOf, type ServiceDatabase } from '@distribution/db';
import { roundClosed as roundClosedEvent, stockDepleted, stockReserved } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents, type DomainEvent, type NewEvent } from '@distribution/events';
import { identityToHeaders, type Identity } from '@distribution/auth';
import { createLogger } from '@distribution/logging';
import type { RunningService } from '@distribution/server';
import { duringListenOutage, eventually, liveClient, type LiveClient } from '@distribution/testkit';
import { startManufacturerService } from '../src/index.js';
import { announceStockNotices } from '../src/live/notice-consumer.js';
import { noticeSubscriptionsOf } from '../src/live/notice-feed.js';
import { ANONYMOUS, CREDENTIAL, CUSTOMER, OPERATOR, UNKNOWN_ID, manufacturerUser, startHarness, type Harness } from './support.js';

const NOTICES = `subscription($m: ID) { manufacturerNotices(manufacturerId: $m) {
  kind manufacturer { id name } product { id name } quantity roundNumber at
  settlement { roundNumber unitsSold revenue lines { product { name } unitsSold } }
} }`;

/** Plays the inventory service: stock events written to its outbox and relayed by its own bus. */
async function startFakeInventory(url: string) {
  const database = await openServiceDatabase({ url, schema: 'inventory_fake', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
  await migrate(database);
  const bus = new EventBus({ database, logger: createLogger('inventory-fake', 'silent'), pollIntervalMs: 20 });
  await bus.start();
  return {
    database,
    publish: (...events: NewEvent[]) => database.transaction((m) => recordEvents(m, 'inventory_fake', events)),
    stop: async () => {
      await bus.stop();
      await database.close();
    },
  };
}

const reserved = (roundNumber: number, lines: Array<[string, number]>) =>
  stockReserved({ orderId: randomUUID(), changeId: null, roundNumber, lines: lines.map(([productId, quantity]) => ({ productId, quantity })) });
/** A changed order line: its new total `quantity`, and `delta`, what the change added (> 0) or released (< 0). */
const lineChanged = (roundNumber: number, productId: string, quantity: number, delta: number) =>
  stockReserved({ orderId: randomUUID(), changeId: randomUUID(), roundNumber, lines: [{ productId, quantity, delta }] });
const depleted = (roundNumber: number, productId: string, manufacturerId: string) => stockDepleted({ productId, manufacturerId, category: 'Tools', roundNumber });
const roundClosed = (roundNumber: number, sales: Array<{ productId: string; manufacturerId: string; unitsSold: number; revenueCents: number }>) =>
  roundClosedEvent({ roundNumber, closedAt: new Date().toISOString(), reason: 'OPERATOR', sales });
/** A StockReserved as the notice consumer receives it, for calling it directly. */
const received = (event: ReturnType<typeof reserved>): DomainEvent<'StockReserved'> => ({
  id: randomUUID(),
  source: 'inventory_fake',
  position: 0,
  occurredAt: new Date().toISOString(),
  ...event,
});

describe('manufacturer notices over graphql-ws', () => {
  let h: Harness;
  let replica: RunningService;
  let inventory: Awaited<ReturnType<typeof startFakeInventory>>;
  let acme: string;
  let globex: string;
  let drill: string;
  let widget: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    h = await startHarness('mfr_live', { eventPollIntervalMs: 20 });
    replica = await startManufacturerService({
      databaseUrl: h.databaseUrl,
      port: 0,
      internalCredential: CREDENTIAL,
      logger: createLogger('replica', 'silent'),
      eventPollIntervalMs: 20,
    });
    inventory = await startFakeInventory(h.databaseUrl);
    acme = await h.registerManufacturer('Acme');
    globex = await h.registerManufacturer('Globex');
    drill = (await h.createProduct({ manufacturerId: acme, sku: 'DR', name: 'Drill', unitPrice: '10.00', initialSupply: 10 })).id;
    widget = (await h.createProduct({ manufacturerId: globex, sku: 'WID', name: 'Widget', unitPrice: '2.00', initialSupply: 8 })).id;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    // Each test starts with no subscription left over (closing one is asynchronous).
    await eventually(() => noticeSubscriptionsOf(h.service) + noticeSubscriptionsOf(replica) === 0);
  });
  afterAll(async () => {
    await inventory?.stop();
    await Promise.all([h?.stop(), replica?.stop()]);
  });

  const watch = (identity: Identity | null, manufacturerId?: string, service: RunningService = h.service) => {
    const client = liveClient(service.url, identityToHeaders(identity, CREDENTIAL));
    clients.push(client);
    return client.watch(NOTICES, manufacturerId ? { m: manufacturerId } : {});
  };
  /** Notices have no snapshot to tell when a subscription is open: wait until the services have registered every one opened. */
  const settle = (count = clients.length) => eventually(() => noticeSubscriptionsOf(h.service) + noticeSubscriptionsOf(replica) >= count);

  it('tells each manufacturer of its own sales (one per line) and depletions only, in commit order', async () => {
    const forAcme = watch(manufacturerUser(acme));
    const forGlobex = watch(manufacturerUser(globex));
    await settle();
    await forAcme.quietFor(100); // no snapshot
    const before = Date.now();
    await inventory.publish(
      reserved(1, [
        [widget, 2],
        [drill, 3],
      ]),
    );
    await inventory.publish(depleted(1, drill, acme));
    const sold = await forAcme.next('manufacturerNotices');
    expect(sold).toMatchObject({ kind: 'SOLD', manufacturer: { id: acme, name: 'Acme' }, product: { id: drill, name: 'Drill' }, quantity: 3, roundNumber: 1, settlement: null });
    // Stamped when the sale happened: after the test published it, before the notice arrived (1 s for clock rounding).
    expect(new Date(sold.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(sold.at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await forAcme.next('manufacturerNotices')).toMatchObject({ kind: 'DEPLETED', product: { id: drill }, quantity: null, roundNumber: 1 });
    expect(await forGlobex.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', manufacturer: { id: globex }, product: { id: widget, name: 'Widget' }, quantity: 2 });
    await forAcme.quietFor(200);
    await forGlobex.quietFor(0);
  });

  it('lets the operator watch every manufacturer, or one', async () => {
    const everyone = watch(OPERATOR);
    const onlyGlobex = watch(OPERATOR, globex.toUpperCase());
    await settle();
    await inventory.publish(
      reserved(1, [
        [drill, 1],
        [widget, 4],
      ]),
    );
    expect((await everyone.nextMany('manufacturerNotices', 2)).map((n) => [n.product.id, n.quantity])).toEqual([
      [drill, 1],
      [widget, 4],
    ]);
    expect(await onlyGlobex.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', product: { id: widget }, quantity: 4 });
    await onlyGlobex.quietFor(200);
  });

  it('announces a grown order line as a sale of the units it added, and a shrunk one not at all', async () => {
    const forAcme = watch(manufacturerUser(acme));
    await settle();
    await inventory.publish(lineChanged(1, drill, 5, -1));
    await inventory.publish(lineChanged(1, drill, 8, 3));
    await inventory.publish(reserved(1, [[drill, 2]]));
    expect(await forAcme.nextMany('manufacturerNotices', 2)).toMatchObject([
      { kind: 'SOLD', quantity: 3 },
      { kind: 'SOLD', quantity: 2 },
    ]);
  });

  it('tells of the settlement once the closed round is booked, with what it sold', async () => {
    const forAcme = watch(manufacturerUser(acme));
    await settle();
    await inventory.publish(roundClosed(1, [{ productId: drill, manufacturerId: acme, unitsSold: 4, revenueCents: 4000 }]));
    expect(await forAcme.next('manufacturerNotices')).toMatchObject({
      kind: 'SETTLED',
      manufacturer: { id: acme },
      product: null,
      quantity: 4,
      roundNumber: 1,
      settlement: { roundNumber: 1, unitsSold: 4, revenue: '40.00', lines: [{ product: { name: 'Drill' }, unitsSold: 4 }] },
    });
  });

  it('refuses anonymous callers, customers, other manufacturers, and bad or unknown ids', async () => {
    expect(await watch(ANONYMOUS).refusal()).toEqual(['UNAUTHENTICATED']);
    expect(await watch(CUSTOMER).refusal()).toEqual(['FORBIDDEN']);
    expect(await watch(manufacturerUser(acme), globex).refusal()).toEqual(['FORBIDDEN']);
    expect(await watch(OPERATOR, 'not-an-id').refusal()).toEqual(['BAD_USER_INPUT']);
    expect(await watch(OPERATOR, UNKNOWN_ID).refusal()).toEqual(['NOT_FOUND']);
  });

  it('announces nothing for a batch that rolls back', async () => {
    const forAcme = watch(manufacturerUser(acme));
    await settle();
    const event = received(reserved(1, [[drill, 9]]));
    const logger = createLogger('test', 'silent');
    await expect(
      h.service.database.transaction(async (sql) => {
        await announceStockNotices(sqlOf(sql), [event], { logger });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    await forAcme.quietFor(300);
    await inventory.publish(reserved(1, [[drill, 1]]));
    expect(await forAcme.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', quantity: 1 });
  });

  it('delivers a notice committed through one replica to subscribers of both', async () => {
    const onReplica = watch(manufacturerUser(acme), undefined, replica);
    const onPrimary = watch(manufacturerUser(acme));
    await settle();
    const event = received(reserved(1, [[drill, 6]]));
    await (h.service.database as ServiceDatabase).transaction((sql) => announceStockNotices(sqlOf(sql), [event], { logger: createLogger('test', 'silent') }));
    expect(await onReplica.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', quantity: 6 });
    expect(await onPrimary.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', quantity: 6 });
    // And one that came over the bus, whichever replica's consumer took it.
    await inventory.publish(reserved(1, [[drill, 7]]));
    expect(await onReplica.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', quantity: 7 });
    expect(await onPrimary.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', quantity: 7 });
  });

  it('ends every notice subscription with LIVE_UPDATES_INTERRUPTED once LISTEN is back after a lost connection (what was announced in between is gone)', async () => {
    const forAcme = watch(manufacturerUser(acme));
    const onReplica = watch(OPERATOR, undefined, replica);
    await settle();
    const event = received(reserved(1, [[drill, 2]]));
    const logger = createLogger('test', 'silent');
    await duringListenOutage(h.databaseUrl, () => h.service.database.transaction((sql) => announceStockNotices(sqlOf(sql), [event], { logger })));
    // The notice of the gap never arrives; the coded end does, so the subscriber knows to subscribe again.
    expect(await forAcme.refusal()).toEqual(['LIVE_UPDATES_INTERRUPTED']);
    expect(await onReplica.refusal()).toEqual(['LIVE_UPDATES_INTERRUPTED']);
    const again = watch(manufacturerUser(acme));
    await settle(1); // the two ended above are no longer registered
    await inventory.publish(reserved(1, [[drill, 1]]));
    expect(await again.next('manufacturerNotices')).toMatchObject({ kind: 'SOLD', quantity: 1 });
  });
});
