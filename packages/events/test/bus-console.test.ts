import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openServiceDatabase, migrate, type ServiceDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { EventType, roundSettled } from '@distribution/contracts';
import {
  BusRepairLog1767000000000,
  EventBus,
  EventTables1700000000000,
  OutboxTraceparent1768000000000,
  consumerHealth,
  discardParkedEvent,
  listParkedEvents,
  parkingChannel,
  readParkingNotice,
  recentRepairs,
  recordEvent,
  retryParkedEvent,
  type ParkingNotice,
} from '@distribution/events';

class AppliedTable1700000000001 {
  name = 'AppliedTable1700000000001';
  async up(r: { query(s: string): Promise<unknown> }) {
    await r.query('CREATE TABLE applied (event_id uuid, n int)');
  }
  async down() {}
}

const COUNTED = { [EventType.RoundSettled]: [1] } as const;

describe('the bus console: health, parked events, retry and discard', () => {
  let url: string;
  let producer: ServiceDatabase;
  let consumer: ServiceDatabase;
  let relay: EventBus;
  let listener: pg.Client;
  const heard: ParkingNotice[] = [];
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  // Numbers in `refused` make the handler throw, as a bug or a missing row would.
  const refused = new Set<number>();
  const consumerBus = () =>
    new EventBus({ database: consumer, logger, pollIntervalMs: 20, maxAttempts: 2 }).consume('picky', COUNTED, async (events, m) => {
      for (const e of events) {
        if (refused.has(e.payload.roundNumber)) throw new Error(`cannot book ${e.payload.roundNumber} yet`);
        await m.query('INSERT INTO applied VALUES ($1, $2)', [e.id, e.payload.roundNumber]);
      }
    });
  let bus: EventBus;
  const publish = (...ns: number[]) =>
    producer.transaction(async (m) => {
      for (const n of ns) await recordEvent(m, 'producer', roundSettled({ roundNumber: n }));
    });
  const applied = async (n: number) => (await consumer.query('SELECT count(*)::int AS c FROM applied WHERE n = $1', [n]))[0].c as number;
  const parkedIds = async () => (await listParkedEvents(consumer, 100, null)).map((p) => p.eventId);
  const eventOf = async (n: number) => (await consumer.query(`SELECT event_id FROM bus.events WHERE (payload->>'roundNumber')::int = $1`, [n]))[0].event_id as string;
  const key = async (n: number) => ({ consumer: 'picky', eventId: await eventOf(n) });

  beforeAll(async () => {
    url = await createTestDatabase('bus_console');
    producer = await openServiceDatabase({ url, schema: 'producer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
    consumer = await openServiceDatabase({
      url,
      schema: 'consumer',
      migrations: [EventTables1700000000000, OutboxTraceparent1768000000000, AppliedTable1700000000001, BusRepairLog1767000000000],
    });
    await migrate(producer);
    await migrate(consumer);
    relay = new EventBus({ database: producer, logger, pollIntervalMs: 20 });
    await relay.start();
    listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on('notification', (n) => {
      const notice = readParkingNotice(n.payload ?? '');
      if (notice) heard.push(notice);
    });
    await listener.query(`LISTEN "${parkingChannel('consumer')}"`);
    bus = consumerBus();
    await bus.start();
  });
  afterAll(async () => {
    await bus?.stop();
    await relay?.stop();
    await listener?.end();
    await Promise.all([producer?.close(), consumer?.close()]);
  });

  it("parks an event that keeps failing, says so on the service's parking channel, and lists it with its error", async () => {
    refused.add(2);
    await publish(1, 2, 3);
    await eventually(async () => (await applied(1)) === 1 && (await applied(3)) === 1 && (await parkedIds()).length === 1);
    const [parked] = await listParkedEvents(consumer, 10, null);
    expect(parked).toMatchObject({ consumer: 'picky', eventId: await eventOf(2), type: 'RoundSettled', version: 1, source: 'producer', attempts: 2, error: 'cannot book 2 yet' });
    expect(JSON.parse(parked!.payload)).toEqual({ roundNumber: 2 });
    await eventually(() => heard.length === 1);
    expect(heard).toEqual([{ consumer: 'picky', eventId: await eventOf(2), type: 'RoundSettled', error: 'cannot book 2 yet' }]);
    expect(await consumerHealth(consumer, [{ name: 'picky', types: ['RoundSettled'] }])).toEqual([
      { consumer: 'picky', eventTypes: ['RoundSettled'], backlog: 0, oldestUnappliedAt: null, oldestUnappliedAgeSeconds: null, parked: 1 },
    ]);
  });

  it('counts the backlog of a consumer that is down, and the age of its oldest unapplied event', async () => {
    await bus.stop();
    await publish(4, 5);
    await eventually(async () => (await producer.query('SELECT count(*)::int AS c FROM outbox'))[0].c === 0);
    const [health] = await consumerHealth(consumer, bus.registeredConsumers());
    expect(health).toMatchObject({ consumer: 'picky', backlog: 2, parked: 1 });
    const [{ published_at: oldest }] = await consumer.query(`SELECT published_at FROM bus.events WHERE (payload->>'roundNumber')::int = 4`);
    expect(health!.oldestUnappliedAt).toEqual(oldest);
    expect(health!.oldestUnappliedAgeSeconds).toBeGreaterThanOrEqual(0);
    bus = consumerBus();
    await bus.start();
    await eventually(async () => (await consumerHealth(consumer, bus.registeredConsumers()))[0]!.backlog === 0);
    expect(await applied(5)).toBe(1);
  });

  it('retries a parked event: refused again it stays parked with the new error; once the cause is gone it is applied once', async () => {
    const two = await key(2);
    expect(await retryParkedEvent(consumer, bus, two, 'ops-1')).toEqual({ outcome: 'FAILED_AGAIN', error: 'cannot book 2 yet' });
    expect((await listParkedEvents(consumer, 10, null))[0]).toMatchObject({ eventId: two.eventId, attempts: 3 });
    refused.delete(2);
    expect(await retryParkedEvent(consumer, bus, two, 'ops-2')).toEqual({ outcome: 'APPLIED', error: null });
    expect(await applied(2)).toBe(1);
    expect(await parkedIds()).toEqual([]);
    // Gone from the parked events: a second retry finds nothing to do.
    expect(await retryParkedEvent(consumer, bus, two, 'ops-2')).toBeNull();
    expect((await recentRepairs(consumer, 10)).map((r) => [r.action, r.actor, r.eventId, r.error])).toEqual([
      ['RETRIED', 'ops-2', two.eventId, null],
      ['RETRY_FAILED', 'ops-1', two.eventId, 'cannot book 2 yet'],
    ]);
  });

  it('applies a parked event once however many operators retry it at the same moment', async () => {
    refused.add(6);
    await publish(6);
    await eventually(async () => (await parkedIds()).length === 1);
    refused.delete(6);
    const six = await key(6);
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => retryParkedEvent(consumer, bus, six, `ops-${i}`)));
    expect(results.filter((r) => r?.outcome === 'APPLIED')).toHaveLength(1);
    expect(results.filter((r) => r === null)).toHaveLength(3);
    expect(await applied(6)).toBe(1);
  });

  it('discards a parked event for good, with who and why, and pages through parked events', async () => {
    refused.add(7).add(8);
    await publish(7, 8);
    await eventually(async () => (await parkedIds()).length === 2);
    const [first] = await listParkedEvents(consumer, 1, null);
    const [second] = await listParkedEvents(consumer, 1, first!);
    expect([first!.eventId, second!.eventId]).toEqual([await eventOf(8), await eventOf(7)]);
    expect(await listParkedEvents(consumer, 1, second!)).toEqual([]);

    const seven = await key(7);
    expect(await discardParkedEvent(consumer, seven, 'ops-1', 'round 7 was booked by hand')).toBe(true);
    expect(await discardParkedEvent(consumer, seven, 'ops-1', 'again')).toBe(false);
    expect((await recentRepairs(consumer, 1))[0]).toMatchObject({ action: 'DISCARDED', actor: 'ops-1', reason: 'round 7 was booked by hand', eventId: seven.eventId });
    // Nothing applies a discarded event, not even a consumer that starts over.
    refused.clear();
    await bus.stop();
    bus = consumerBus();
    await bus.start();
    await publish(9);
    await eventually(async () => (await applied(9)) === 1);
    expect(await applied(7)).toBe(0);
    expect(await parkedIds()).toEqual([await eventOf(8)]);
  });
});
