/**
 * JetStream under faults, against a real nats-server of the test's own: the broker restarted while
 * events stream, a consumer replica killed in the middle of a batch, the same event published twice,
 * the broker unreachable when the services start. Every event is applied once, none is lost, and the
 * order of each ordering key holds; two replicas share a consumer's partitions.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDatabase, migrate, type ServiceDatabase } from '@distribution/db';
import { createTestDatabase, eventually, natsServerInstalled, startNatsServer, type TestNatsServer } from '@distribution/testkit';
import { availabilityChanged, EventType, roundSettled, type NewEvent } from '@distribution/contracts';
import { EventTables1700000000000, OutboxTraceparent1768000000000, recordEvents, type DomainEvent, type NatsEventBus } from '@distribution/events';
import { TestStream } from './support/transports.js';

class AppliedLog1700000000001 {
  name = 'AppliedLog1700000000001';
  async up(r: { query(s: string): Promise<unknown> }) {
    await r.query('CREATE TABLE applied (seq bigserial, event_id uuid NOT NULL, n int NOT NULL, consumer text NOT NULL, replica text NOT NULL, product uuid)');
  }
  async down() {}
}

// These tests restart the broker, so they need `nats-server` itself (Debian package nats-server).
describe.skipIf(!natsServerInstalled())('the JetStream bus under faults', () => {
  let url: string;
  let producer: ServiceDatabase;
  let consumer: ServiceDatabase;
  let server: TestNatsServer;
  let stream: TestStream;
  const running: NatsEventBus[] = [];

  beforeAll(async () => {
    url = await createTestDatabase('nats_faults');
    producer = await openServiceDatabase({ url, schema: 'producer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000] });
    consumer = await openServiceDatabase({ url, schema: 'consumer', migrations: [EventTables1700000000000, OutboxTraceparent1768000000000, AppliedLog1700000000001] });
    await migrate(producer);
    await migrate(consumer);
    server = await startNatsServer();
    stream = await TestStream.open(server);
  });
  afterAll(async () => {
    await Promise.all(running.splice(0).map((b) => b.stop()));
    await stream?.close();
    await server?.dispose();
    await producer?.close();
    await consumer?.close();
  });

  const started = async (bus: NatsEventBus) => {
    await bus.start();
    running.push(bus);
    return bus;
  };
  const relay = () => started(stream.bus(producer));
  const counter = (name: string, replica: string) =>
    started(
      stream.bus(consumer, { batchSize: 5 }).consume(name, { [EventType.RoundSettled]: [1] }, async (events: Array<DomainEvent<'RoundSettled'>>, m) => {
        for (const e of events) await m.query('INSERT INTO applied (event_id, n, consumer, replica) VALUES ($1, $2, $3, $4)', [e.id, e.payload.roundNumber, name, replica]);
      }),
    );
  const record = (events: NewEvent[]) => producer.transaction((m) => recordEvents(m, 'producer', events));
  /** RoundSettled numbered from..from+count-1, committed one after another (one ordering key: they keep this order). */
  const publish = async (from: number, count: number) => {
    for (let i = 0; i < count; i += 4) await record(Array.from({ length: Math.min(4, count - i) }, (_, k) => roundSettled({ roundNumber: from + i + k })));
  };
  /** What consumer `name` applied of the events numbered from..to (a new consumer also reads earlier tests' events). */
  const applied = async (name: string, from: number, to: number) =>
    (await consumer.query('SELECT n, event_id, replica FROM applied WHERE consumer = $1 AND n BETWEEN $2 AND $3 ORDER BY seq', [name, from, to])) as Array<{
      n: number;
      event_id: string;
      replica: string;
    }>;
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('loses and repeats nothing when the broker restarts while events stream', async () => {
    await relay();
    await counter('restarts', 'a');
    const publishing = publish(1, 300);
    await eventually(async () => (await applied('restarts', 1, 300)).length >= 60, { timeoutMs: 30_000 });
    await server.restart();
    await publishing;
    await eventually(async () => (await applied('restarts', 1, 300)).length >= 300, { timeoutMs: 45_000 });
    expect((await applied('restarts', 1, 300)).map((r) => r.n)).toEqual(range(1, 300));
    expect(await producer.query('SELECT count(*)::int AS c FROM outbox')).toEqual([{ c: 0 }]);
  }, 90_000);

  it('applies exactly once, in order, when a replica is killed in the middle of a batch', async () => {
    await relay();
    const script = fileURLToPath(new URL('./support/replica-process.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, server.url, stream.stream, stream.subjectRoot], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`replica exited early (${code})`)));
      });
      await publish(1001, 200);
      // Killed while it applies: its open transaction is rolled back with its connection.
      await eventually(async () => (await applied('killable', 1001, 1200)).length >= 30, { timeoutMs: 30_000 });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const beforeTakeOver = (await applied('killable', 1001, 1200)).length;
    expect(beforeTakeOver).toBeLessThan(200);
    // The survivor takes the partitions over once the dead replica's leases lapse.
    await started(
      stream.bus(consumer, { batchSize: 5 }).consume('killable', { [EventType.RoundSettled]: [1] }, async (events: Array<DomainEvent<'RoundSettled'>>, m) => {
        for (const e of events)
          await m.query('INSERT INTO applied (event_id, n, consumer, replica) VALUES ($1, $2, $3, $4)', [e.id, e.payload.roundNumber, 'killable', 'survivor']);
      }),
    );
    await eventually(async () => (await applied('killable', 1001, 1200)).length >= 200, { timeoutMs: 45_000 });
    const log = await applied('killable', 1001, 1200);
    expect(log.map((r) => r.n)).toEqual(range(1001, 200));
    expect(new Set(log.map((r) => r.replica))).toEqual(new Set(['doomed', 'survivor']));
  }, 120_000);

  it('applies once an event published twice, inside the duplicate window and after it', async () => {
    await relay();
    await counter('twice', 'a');
    const [id] = await record([roundSettled({ roundNumber: 2001 })]);
    // (A new consumer: it reads the earlier tests' events first.)
    await eventually(async () => (await applied('twice', 2001, 2002)).length === 1, { timeoutMs: 30_000 });
    const messages = await stream.messages();
    // A relay that published but died before deleting the row publishes it again: the broker drops it.
    await producer.query(`INSERT INTO outbox (event_id, type, version, payload) VALUES ($1, 'RoundSettled', 1, '{"roundNumber": 2001}')`, [id]);
    await eventually(async () => (await producer.query('SELECT count(*)::int AS c FROM outbox'))[0].c === 0);
    expect(await stream.messages()).toBe(messages);
    // Past the window (another message id), the stream keeps it and the inbox refuses it.
    const nc = await connect({ servers: server.url });
    const envelope = { id, type: 'RoundSettled', version: 1, source: 'producer', payload: { roundNumber: 2001 }, occurredAt: new Date().toISOString() };
    await nc.jetstream().publish(`${stream.subjectRoot}.RoundSettled.0`, new TextEncoder().encode(JSON.stringify(envelope)), { msgID: randomUUID() });
    await nc.jetstream().publish(`${stream.subjectRoot}.RoundSettled.0`, new TextEncoder().encode(JSON.stringify(envelope)), { msgID: randomUUID() });
    await nc.close();
    expect(await stream.messages()).toBe(messages + 2);
    await record([roundSettled({ roundNumber: 2002 })]);
    await eventually(async () => (await applied('twice', 2001, 2002)).length === 2, { timeoutMs: 30_000 });
    expect((await applied('twice', 2001, 2002)).map((r) => r.n)).toEqual([2001, 2002]);
  }, 60_000);

  it('starts while the broker is unreachable and delivers everything once it answers', async () => {
    await server.stop();
    try {
      await relay();
      await counter('late broker', 'a');
      await publish(3001, 40);
      expect(await producer.query('SELECT count(*)::int AS c FROM outbox')).toEqual([{ c: 40 }]);
    } finally {
      await server.start();
    }
    await eventually(async () => (await applied('late broker', 3001, 3040)).length >= 40, { timeoutMs: 45_000 });
    expect((await applied('late broker', 3001, 3040)).map((r) => r.n)).toEqual(range(3001, 40));
  }, 90_000);

  it('shares partitions between two replicas, each applying part, and keeps every product in order', async () => {
    await relay();
    const replica = (name: string) =>
      started(
        stream.bus(consumer, { batchSize: 5 }).consume('stock', { [EventType.AvailabilityChanged]: [1] }, async (events: Array<DomainEvent<'AvailabilityChanged'>>, m) => {
          for (const e of events)
            await m.query('INSERT INTO applied (event_id, n, consumer, replica, product) VALUES ($1, $2, $3, $4, $5)', [
              e.id,
              e.payload.onHand,
              'stock',
              name,
              e.payload.productId,
            ]);
        }),
      );
    const a = await replica('a');
    const b = await replica('b');
    await eventually(() => a.heldPartitions('stock').length === 4 && b.heldPartitions('stock').length === 4, { timeoutMs: 20_000 });
    const products = Array.from({ length: 16 }, () => randomUUID());
    const manufacturerId = randomUUID();
    const change = (productId: string, n: number) =>
      availabilityChanged({ productId, manufacturerId, category: 'coffee', onHand: n, reserved: 0, available: n, lowStockThreshold: 0, status: 'IN_STOCK', roundNumber: 1 });
    // Each product's changes 1..20 in its own chain of commits; the products' chains run side by side.
    await Promise.all(
      products.map(async (p) => {
        for (let n = 1; n <= 20; n += 2) await record([change(p, n), change(p, n + 1)]);
      }),
    );
    await eventually(async () => (await consumer.query("SELECT count(*)::int AS c FROM applied WHERE consumer = 'stock'"))[0].c >= 320, { timeoutMs: 60_000 });
    const log = (await consumer.query("SELECT n, product, replica FROM applied WHERE consumer = 'stock' ORDER BY seq")) as Array<{ n: number; product: string; replica: string }>;
    expect(log).toHaveLength(320);
    for (const p of products) {
      const mine = log.filter((r) => r.product === p);
      expect(mine.map((r) => r.n)).toEqual(range(1, 20));
    }
    const byReplica = (name: string) => log.filter((r) => r.replica === name).length;
    expect(byReplica('a')).toBeGreaterThan(0);
    expect(byReplica('b')).toBeGreaterThan(0);
  }, 120_000);
});
