import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openServiceDatabase, migrate, type ServiceDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { EventParseError, EventType, orderPlaced, roundOpened, roundSettled } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvent, recordEvents, type DomainEvent } from '@distribution/events';

class AppliedTable1700000000001 {
  name = 'AppliedTable1700000000001';
  async up(r: { query(s: string): Promise<unknown> }) {
    await r.query('CREATE TABLE applied (event_id uuid, n int)');
  }
  async down() {}
}

describe('the outbox event bus', () => {
  let url: string;
  let producer: ServiceDatabase;
  let consumer: ServiceDatabase;
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

  beforeAll(async () => {
    url = await createTestDatabase('events');
    producer = await openServiceDatabase({ url, schema: 'producer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
    consumer = await openServiceDatabase({ url, schema: 'consumer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000, AppliedTable1700000000001] });
    await migrate(producer);
    await migrate(consumer);
  });
  afterAll(async () => {
    await producer?.close();
    await consumer?.close();
  });

  // RoundSettled { roundNumber } stands for any event: its number is what the consumers record.
  const counted = (n: number) => roundSettled({ roundNumber: n });
  const COUNTED = { [EventType.RoundSettled]: [1] } as const;
  const publish = (n: number) => producer.transaction((m) => recordEvent(m, 'producer', counted(n)));
  const consumerBus = (batches: number[]) =>
    new EventBus({ database: consumer, logger, pollIntervalMs: 50 }).consume('counter', COUNTED, async (events: Array<DomainEvent<'RoundSettled'>>, m) => {
      batches.push(events.length);
      for (const e of events) await m.query('INSERT INTO applied VALUES ($1, $2)', [e.id, e.payload.roundNumber]);
    });

  it('does not publish an event whose transaction rolled back', async () => {
    await expect(
      producer.transaction(async (m) => {
        await recordEvent(m, 'producer', counted(99_999));
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    const [{ count }] = await producer.query('SELECT count(*)::int AS count FROM outbox');
    expect(count).toBe(0);
  });

  it('delivers every event exactly once, in batches, also to a consumer that was stopped meanwhile', async () => {
    const relay = new EventBus({ database: producer, logger, pollIntervalMs: 50 });
    await relay.start();
    const batches: number[] = [];
    const first = consumerBus(batches);
    await first.start();
    for (let i = 1; i <= 5; i++) await publish(i);
    await eventually(async () => (await consumer.query('SELECT count(*)::int AS c FROM applied'))[0].c === 5);
    await first.stop();

    // The consumer is down: events wait on the bus.
    await Promise.all(Array.from({ length: 200 }, (_, i) => publish(100 + i)));
    await eventually(async () => (await producer.query('SELECT count(*)::int AS c FROM outbox'))[0].c === 0);
    expect((await consumer.query('SELECT count(*)::int AS c FROM applied'))[0].c).toBe(5);

    const second = consumerBus(batches);
    await second.start();
    await eventually(async () => (await consumer.query('SELECT count(*)::int AS c FROM applied'))[0].c === 205);
    await second.stop();
    await relay.stop();

    const dupes = await consumer.query('SELECT event_id FROM applied GROUP BY event_id HAVING count(*) > 1');
    expect(dupes).toEqual([]);
    const ns = (await consumer.query('SELECT n FROM applied ORDER BY n')).map((r: { n: number }) => r.n);
    expect(ns).toEqual([1, 2, 3, 4, 5, ...Array.from({ length: 200 }, (_, i) => 100 + i)]);
    // Catching up after the stop took batches, not one transaction per event.
    expect(Math.max(...batches)).toBeGreaterThan(1);
  });

  it('ignores a redelivered event thanks to the inbox', async () => {
    const [{ position, event_id }] = await consumer.query('SELECT position, event_id FROM bus.events ORDER BY position LIMIT 1');
    await consumer.query('UPDATE event_cursor SET position = $1 - 1 WHERE consumer = $2', [position, 'counter']);
    const batches: number[] = [];
    const bus = consumerBus(batches);
    await bus.start();
    await eventually(async () => (await consumer.query('SELECT position FROM event_cursor'))[0].position !== String(Number(position) - 1));
    await bus.stop();
    const [{ c }] = await consumer.query('SELECT count(*)::int AS c FROM applied WHERE event_id = $1', [event_id]);
    expect(c).toBe(1);
  });

  it('parks an event that keeps failing and goes on with the rest', async () => {
    const bus = new EventBus({ database: consumer, logger, pollIntervalMs: 20, maxAttempts: 2 }).consume('picky', COUNTED, async (events, m) => {
      for (const e of events) {
        if (e.payload.roundNumber === 2) throw new Error('cannot apply 2');
        await m.query('INSERT INTO applied VALUES ($1, $2)', [e.id, 1000 + e.payload.roundNumber]);
      }
    });
    await bus.start();
    await eventually(async () => (await consumer.query('SELECT count(*)::int AS c FROM applied WHERE n >= 1000'))[0].c === 204, { timeoutMs: 20_000 });
    await bus.stop();
    const parked = await consumer.query('SELECT type, attempts FROM parked_event WHERE consumer = $1', ['picky']);
    expect(parked).toEqual([{ type: 'RoundSettled', attempts: 2 }]);
  });

  it('wakes only the consumers of the appended event type', async () => {
    const bystander = await openServiceDatabase({ url, schema: 'bystander', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
    await migrate(bystander);
    const relay = new EventBus({ database: producer, logger, pollIntervalMs: 60_000 });
    const heard: string[] = [];
    // Polling is an hour away: only a NOTIFY can make this consumer run.
    const other = new EventBus({ database: bystander, logger, pollIntervalMs: 3_600_000 }).consume('other', { [EventType.RoundOpened]: [1] }, async (events) => {
      heard.push(...events.map((e) => e.type));
    });
    const batches: number[] = [];
    const counting = consumerBus(batches);
    try {
      await relay.start();
      await other.start();
      await counting.start();
      await eventually(async () => (await producer.query('SELECT count(*)::int AS c FROM outbox'))[0].c === 0);
      const [{ c: before }] = await consumer.query('SELECT count(*)::int AS c FROM applied');
      await new Promise((r) => setTimeout(r, 200)); // the start-up runs are over
      const idle = bystander.statements.count;

      for (let i = 0; i < 10; i++) await publish(500 + i);
      await eventually(async () => (await consumer.query('SELECT count(*)::int AS c FROM applied'))[0].c === before + 10);
      await new Promise((r) => setTimeout(r, 200));
      expect(bystander.statements.count).toBe(idle);

      // The control: its own type does wake it.
      const now = new Date().toISOString();
      await producer.transaction((m) => recordEvent(m, 'producer', roundOpened({ roundNumber: 1, openedAt: now, endsAt: now })));
      await eventually(async () => heard.length === 1);
      expect(bystander.statements.count).toBeGreaterThan(idle);
    } finally {
      await counting.stop();
      await other.stop();
      await relay.stop();
      await bystander.close();
    }
  });

  it('parks at once, with the parse error, an event the contract cannot read, and applies the rest of its batch', async () => {
    const good = () => orderPlaced({ orderId: randomUUID(), customerId: randomUUID(), lines: [{ productId: randomUUID(), quantity: 2, unitPriceCents: 250 }] });
    const [first, last] = [good(), good()];
    // What TypeScript keeps producers from writing, written anyway (a bug, or a producer of another version).
    const zeroUnits = { ...good().payload, lines: [{ productId: randomUUID(), quantity: 0, unitPriceCents: 250 }] };
    const raw = (m: { query(sql: string, params: unknown[]): Promise<unknown> }, version: number, payload: unknown) =>
      m.query('INSERT INTO outbox (event_id, type, version, payload) VALUES (gen_random_uuid(), $1, $2, $3::jsonb)', ['OrderPlaced', version, JSON.stringify(payload)]);
    const warn = vi.spyOn(logger, 'warn');
    const error = vi.spyOn(logger, 'error');
    const relay = new EventBus({ database: producer, logger, pollIntervalMs: 20 });
    const seen: string[] = [];
    const strict = new EventBus({ database: consumer, logger, pollIntervalMs: 20, maxAttempts: 5 }).consume('strict', { [EventType.OrderPlaced]: [1] }, async (events, m) => {
      for (const e of events) {
        seen.push(e.payload.orderId);
        await m.query('INSERT INTO applied VALUES ($1, $2)', [e.id, 7000 + e.payload.lines[0]!.quantity]);
      }
    });
    try {
      // One transaction: the four arrive in one batch.
      await producer.transaction(async (m) => {
        await recordEvents(m, 'producer', [first]);
        await raw(m, 1, zeroUnits);
        await raw(m, 2, good().payload);
        await recordEvents(m, 'producer', [last]);
      });
      await relay.start();
      await strict.start();
      await eventually(
        async () =>
          (await consumer.query('SELECT count(*)::int AS c FROM parked_event WHERE consumer = $1', ['strict']))[0].c === 2 &&
          (await consumer.query('SELECT count(*)::int AS c FROM applied WHERE n >= 7000'))[0].c === 2,
      );
      expect(seen).toEqual([first.payload.orderId, last.payload.orderId]);
      const parked = await consumer.query(
        `SELECT p.type, p.attempts, p.error, e.version FROM parked_event p JOIN bus.events e ON e.event_id = p.event_id
         WHERE p.consumer = $1 ORDER BY p.position`,
        ['strict'],
      );
      expect(parked).toEqual([
        { type: 'OrderPlaced', version: 1, attempts: 1, error: expect.stringContaining('lines[0].quantity') },
        { type: 'OrderPlaced', version: 2, attempts: 1, error: expect.stringContaining('version 2 is not read here') },
      ]);
      // Parked at once: no failed batch, no retry.
      expect(warn).not.toHaveBeenCalled();
      expect(error.mock.calls.filter(([, msg]) => String(msg).includes('the contract cannot read it'))).toHaveLength(2);
    } finally {
      warn.mockRestore();
      error.mockRestore();
      await strict.stop();
      await relay.stop();
    }
  });

  it('parks on its first failure alone an event whose handler finds it unreadable (EventParseError), without retries', async () => {
    const relay = new EventBus({ database: producer, logger, pollIntervalMs: 20 });
    const bus = new EventBus({ database: consumer, logger, pollIntervalMs: 20, maxAttempts: 5 }).consume('reader', COUNTED, async (events, m) => {
      for (const e of events) {
        if (e.payload.roundNumber === 8_001) throw new EventParseError(e.type, e.version, e.id, ['roundNumber: not one this handler can book']);
        await m.query('INSERT INTO applied VALUES ($1, $2)', [e.id, e.payload.roundNumber]);
      }
    });
    try {
      await producer.transaction((m) => recordEvents(m, 'producer', [counted(8_000), counted(8_001), counted(8_002)]));
      await relay.start();
      await bus.start();
      await eventually(async () => (await consumer.query('SELECT count(*)::int AS c FROM applied WHERE n IN (8000, 8002)'))[0].c === 2);
      expect(await consumer.query('SELECT attempts, error FROM parked_event WHERE consumer = $1', ['reader'])).toEqual([
        { attempts: 1, error: expect.stringContaining('not one this handler can book') },
      ]);
    } finally {
      await bus.stop();
      await relay.stop();
    }
  });
});
