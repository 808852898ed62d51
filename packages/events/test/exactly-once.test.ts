/**
 * Exactly once, in order, with more than one of everything: two relays on one outbox, two replicas
 * of one consumer, and a cursor moved back while they run. TESTING.md names the protection each
 * test stands for (the append lock, the cursor lock, the inbox).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase, migrate, type ServiceDatabase } from '@distribution/db';
import { createLogger } from '@distribution/logging';
import { createTestDatabase, eventually } from '@distribution/testkit';
import { EventType, roundOpened, roundSettled } from '@distribution/contracts';
import { EventBus, EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents, type DomainEvent } from '@distribution/events';

class AppliedLog1700000000001 {
  name = 'AppliedLog1700000000001';
  async up(r: { query(s: string): Promise<unknown> }) {
    // `seq` says in which order the handler applied events; nothing here refuses a duplicate.
    await r.query('CREATE TABLE applied (seq bigserial, event_id uuid NOT NULL, position bigint NOT NULL, n int NOT NULL, replica text NOT NULL)');
  }
  async down() {}
}

const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
const EVENTS = 400;

describe('exactly once with replicas', () => {
  let url: string;
  let producer: ServiceDatabase;
  /** A second service publishing to the same consumer: appends of two services race on the bus. */
  let other: ServiceDatabase;
  let consumer: ServiceDatabase;
  const running: EventBus[] = [];

  beforeAll(async () => {
    url = await createTestDatabase('exactly_once');
    producer = await openServiceDatabase({ url, schema: 'producer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
    other = await openServiceDatabase({ url, schema: 'other', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
    consumer = await openServiceDatabase({ url, schema: 'consumer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000, AppliedLog1700000000001] });
    await migrate(producer);
    await migrate(other);
    await migrate(consumer);
  });
  afterAll(async () => {
    await Promise.all(running.map((b) => b.stop()));
    await producer?.close();
    await other?.close();
    await consumer?.close();
  });

  /** A replica of the `counter` consumer; small batches, so that replicas interleave often. */
  async function replica(name: string): Promise<EventBus> {
    const bus = new EventBus({ database: consumer, logger, pollIntervalMs: 20, batchSize: 7 }).consume(
      'counter',
      { [EventType.RoundSettled]: [1], [EventType.RoundOpened]: [1] },
      async (events: Array<DomainEvent<'RoundSettled' | 'RoundOpened'>>, m) => {
        for (const e of events) await m.query('INSERT INTO applied (event_id, position, n, replica) VALUES ($1, $2, $3, $4)', [e.id, e.position, e.payload.roundNumber, name]);
      },
    );
    await bus.start();
    running.push(bus);
    return bus;
  }
  /** A relay of the producer's outbox (a replica of the producing service). */
  async function relay(database = producer): Promise<EventBus> {
    const bus = new EventBus({ database, logger, pollIntervalMs: 20, batchSize: 5 });
    await bus.start();
    running.push(bus);
    return bus;
  }
  /**
   * `count` events numbered from `from` (the number rides in `roundNumber`: any contract event would
   * do), in transactions of three, many at once. Our producer's are RoundSettled, the other's RoundOpened.
   */
  const event = (database: ServiceDatabase, n: number) => {
    const at = new Date().toISOString();
    return database === producer ? roundSettled({ roundNumber: n }) : roundOpened({ roundNumber: n, openedAt: at, endsAt: at });
  };
  const publish = (from: number, count: number, database = producer) =>
    Promise.all(
      Array.from({ length: Math.ceil(count / 3) }, (_, t) =>
        database.transaction((m) =>
          recordEvents(
            m,
            database.schema,
            Array.from({ length: Math.min(3, count - t * 3) }, (_, k) => event(database, from + t * 3 + k)),
          ),
        ),
      ),
    );
  /** Waits until both outboxes are empty and the consumer's cursor has reached the end of the bus. */
  async function untilConsumed(): Promise<void> {
    for (const database of [producer, other]) {
      await eventually(async () => (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox'))[0]!.n === 0, { timeoutMs: 30_000 });
    }
    const [{ last }] = await consumer.query<{ last: string }>('SELECT max(position)::text AS last FROM bus.events');
    await eventually(
      async () => Number((await consumer.query<{ position: string }>(`SELECT position::text FROM event_cursor WHERE consumer = 'counter'`))[0]!.position) >= Number(last),
      { timeoutMs: 30_000 },
    );
  }
  const applied = () => consumer.query<{ seq: string; event_id: string; position: string; n: number; replica: string }>('SELECT * FROM applied ORDER BY seq');

  it('two relays on one outbox, another service appending at once, two consumer replicas: every event applied once, in bus order', async () => {
    await relay();
    await relay();
    await relay(other);
    // The other service's appends are slow to commit once they hold their bus positions: the moment
    // in which another append could become visible first, and a consumer pass over the gap.
    await consumer.query(`
      CREATE FUNCTION public.slow_other_append() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.02); RETURN NULL; END $$;
      CREATE TRIGGER slow_other_append AFTER INSERT ON bus.events FOR EACH ROW WHEN (NEW.source = 'other') EXECUTE FUNCTION public.slow_other_append();`);
    await replica('a');
    await replica('b');
    // The other service's events are numbered from 100,000 on; ours come in waves meanwhile, so
    // that our appends keep arriving while the other service's slow ones are in flight.
    const waves = async () => {
      for (let from = 1; from <= EVENTS; from += 15) await publish(from, Math.min(15, EVENTS - from + 1));
    };
    await Promise.all([waves(), publish(100_000, EVENTS / 2, other)]);

    // Everything relayed, and the consumer's cursor past the last event on the bus: then count.
    await untilConsumed();
    const rows = await applied();
    // Once each: no event applied twice, none lost (a position that became visible after the
    // cursor passed it would be lost for good).
    expect(rows).toHaveLength(EVENTS * 1.5);
    expect(new Set(rows.map((r) => r.n)).size).toBe(EVENTS * 1.5);
    // In bus order, whichever replica applied it: positions only grow in the order of application.
    const positions = rows.map((r) => Number(r.position));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    // Both replicas did some of the work (they take turns on the cursor).
    expect(new Set(rows.map((r) => r.replica))).toEqual(new Set(['a', 'b']));
    // The bus holds each event once, and a transaction's events in the order it recorded them.
    const onBus = await consumer.query<{ n: number; position: string }>(
      `SELECT (payload->>'roundNumber')::int AS n, position FROM bus.events WHERE source = 'producer' AND type = 'RoundSettled'`,
    );
    expect(onBus).toHaveLength(EVENTS);
    const positionOf = new Map(onBus.map((r) => [r.n, Number(r.position)]));
    for (let n = 1; n <= EVENTS; n++) {
      if ((n - 1) % 3 !== 0) expect(positionOf.get(n)!, `event ${n} after its transaction's event ${n - 1}`).toBeGreaterThan(positionOf.get(n - 1)!);
    }
  });

  it('a cursor moved back while both replicas run re-delivers every event, and none is applied again', async () => {
    const before = (await applied()).length;
    await publish(EVENTS + 1, 60);
    await eventually(async () => (await applied()).length === before + 60, { timeoutMs: 30_000 });

    // An operator replays the whole stream from the start while more events arrive.
    await Promise.all([consumer.query(`UPDATE event_cursor SET position = 0 WHERE consumer = 'counter'`), publish(EVENTS + 61, 30)]);
    // Wait until the cursor has passed every event again, then look at all of them, not the first.
    await untilConsumed();
    const rows = await applied();
    expect(rows).toHaveLength(before + 90);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(before + 90);
  });
});
