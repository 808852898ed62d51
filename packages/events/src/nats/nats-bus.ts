/**
 * The event bus on NATS JetStream. The outbox stays in the service's own database (written in the
 * caller's transaction, as on the Postgres bus); the relay publishes it to one stream, each event
 * with its id as `Nats-Msg-Id` (the stream's duplicate window drops a re-publish), and deletes it
 * from the outbox only after the broker's ack. Consumers read the stream per partition of ordering
 * keys (ordering.ts), one replica per partition at a time (leases.ts), applied exactly once through
 * the inbox (partition-worker.ts). PROTOCOL.md in this package writes the whole design down.
 */
import { randomUUID } from 'node:crypto';
import { connect, nanos, StorageType, type NatsConnection } from 'nats';
import type { ServiceDatabase } from '@distribution/db';
import type { Logger } from '@distribution/logging';
import { acceptedTypes, type Accepts, type Parsed } from '@distribution/contracts';
import { WakeableLoop, type EventHandler, type RegisteredConsumer } from '../bus.js';
import type { BusEvent } from '../event.js';
import { outboxChannel } from '../outbox.js';
import { PostgresListener } from '../listener.js';
import type { EventTransport } from '../transport.js';
import { ensureNatsTables, NATS_RELAY_LOCK } from './nats-tables.js';
import { PartitionLeases, type Claim } from './leases.js';
import { orderingKey, partitionOf, subjectOf, SUBJECT_ROOT } from './ordering.js';
import { PartitionWorker, type WorkerContext } from './partition-worker.js';

export interface NatsEventBusOptions {
  database: ServiceDatabase;
  logger: Logger;
  /** Comma-separated server URLs, e.g. nats://127.0.0.1:4222. */
  natsUrl: string;
  /** The stream every service publishes to and reads from (default EVENTS). */
  stream?: string;
  /** First token of every subject (default `events`): the stream holds `<root>.>`. */
  subjectRoot?: string;
  /** Partitions of ordering keys; every service of a deployment must use the same number (default 8). */
  partitions?: number;
  batchSize?: number;
  /** How often the relay looks at the outbox without a wake-up. */
  pollIntervalMs?: number;
  maxAttempts?: number;
  /** How long a replica's partitions stay its own without a heartbeat (default 5 s). */
  leaseMs?: number;
  /** Wakes the relay at commit (the outbox's NOTIFY, in the service's own database). */
  listener?: PostgresListener;
  /** The broker's duplicate window: a re-publish of an event within it is dropped (default 2 min). */
  duplicateWindowMs?: number;
  publishTimeoutMs?: number;
}

interface Consumer extends RegisteredConsumer {
  workers: Map<number, PartitionWorker>;
}

export class NatsEventBus implements EventTransport {
  readonly transport = 'nats' as const;
  private readonly consumers: Consumer[] = [];
  private readonly replica = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly listener: PostgresListener;
  private readonly ownsListener: boolean;
  private readonly partitions: number;
  private readonly leases: PartitionLeases;
  private readonly context: WorkerContext;
  private relay: WakeableLoop | null = null;
  private balance: WakeableLoop | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private nc: Promise<NatsConnection> | null = null;
  private started = false;
  private stopped = false;

  constructor(private readonly options: NatsEventBusOptions) {
    this.partitions = options.partitions ?? 8;
    this.ownsListener = !options.listener;
    this.listener = options.listener ?? new PostgresListener(options.database.url, (e) => options.logger.warn({ err: e }, 'listener reconnecting'), options.database.timeouts);
    this.leases = new PartitionLeases(options.database, this.replica, this.partitions, options.leaseMs ?? 5_000);
    this.context = {
      database: options.database,
      logger: options.logger,
      connection: () => this.connection(),
      stream: options.stream ?? 'EVENTS',
      subjectRoot: options.subjectRoot ?? SUBJECT_ROOT,
      replica: this.replica,
      batchSize: options.batchSize ?? 100,
      maxAttempts: options.maxAttempts ?? 5,
    };
  }

  consume<const A extends Accepts>(name: string, accepts: A, handler: EventHandler<Parsed<BusEvent, A>>): this {
    if (this.started) throw new Error('Register consumers before start()');
    this.consumers.push({ name, accepts, types: acceptedTypes(accepts), handler, workers: new Map() });
    return this;
  }

  registeredConsumers(): RegisteredConsumer[] {
    return this.consumers.map(({ name, accepts, types, handler }) => ({ name, accepts, types, handler }));
  }

  /** The partitions of `consumer` this replica applies now (for tests and the console). */
  heldPartitions(consumer: string): number[] {
    return [...(this.consumers.find((c) => c.name === consumer)?.workers.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * Starts without waiting for the broker: an unreachable broker is retried in the background while
   * the outbox keeps every event, and everything catches up once it answers.
   */
  async start(): Promise<void> {
    this.started = true;
    await ensureNatsTables(this.options.database);
    await this.leases.prepare(this.consumers.map((c) => c.name));
    const onError = (error: unknown) => this.options.logger.error({ err: error }, 'event loop failed; will retry');
    this.relay = new WakeableLoop((likely) => this.relayBatch(likely), this.options.pollIntervalMs ?? 500, onError);
    const relay = this.relay;
    this.unlisten = await this.listener.listen(outboxChannel(this.options.database.schema), () => relay.wake());
    relay.start();
    if (this.consumers.length) {
      const leaseMs = this.options.leaseMs ?? 5_000;
      this.balance = new WakeableLoop(() => this.rebalance().then(() => false), Math.max(50, Math.floor(leaseMs / 3)), onError);
      this.balance.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unlisten?.();
    await this.relay?.stop();
    await this.balance?.stop();
    for (const consumer of this.consumers) {
      for (const worker of consumer.workers.values()) {
        await worker.stop();
        await this.leases.release(worker.claim).catch(() => {});
      }
      consumer.workers.clear();
    }
    await this.leases.leave().catch(() => {});
    if (this.ownsListener) await this.listener.stop();
    const pending = this.nc;
    this.nc = null;
    // A connection still trying its first server is closed when it gets there.
    pending?.then((nc) => nc.close()).catch(() => {});
  }

  /** The broker connection, opened once; keeps reconnecting for ever, its first attempt included. */
  private connection(): Promise<NatsConnection> {
    this.nc ??= (async () => {
      const nc = await connect({
        servers: this.options.natsUrl.split(',').map((s) => s.trim()),
        name: `${this.options.database.schema}-${this.replica}`,
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
      if (this.stopped) {
        await nc.close();
        throw new Error('event bus stopped');
      }
      void nc.closed().then(() => {
        if (!this.stopped) this.nc = null;
      });
      await this.ensureStream(nc);
      return nc;
    })().catch((error) => {
      this.nc = null;
      throw error;
    });
    return this.nc;
  }

  private async ensureStream(nc: NatsConnection): Promise<void> {
    const jsm = await nc.jetstreamManager();
    const { stream, subjectRoot } = this.context;
    const exists = () =>
      jsm.streams.info(stream).then(
        () => true,
        () => false,
      );
    if (await exists()) return;
    try {
      await jsm.streams.add({
        name: stream,
        subjects: [`${subjectRoot}.>`],
        storage: StorageType.File,
        duplicate_window: nanos(this.options.duplicateWindowMs ?? 120_000),
      });
    } catch (error) {
      // Another replica created it meanwhile.
      if (!(await exists())) throw error;
    }
  }

  /** Publishes one batch of the outbox in its order, then deletes it: only what the broker acked. */
  private async relayBatch(likely: boolean): Promise<boolean> {
    const db = this.options.database;
    if (!likely) {
      const [{ waiting }] = await db.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM outbox) AS waiting');
      if (!waiting) return false;
    }
    const js = (await this.connection()).jetstream();
    const { batchSize, subjectRoot } = this.context;
    return db.transaction(async (m) => {
      // One relay per service at a time keeps the outbox's order on the stream.
      const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema())) AS locked', [NATS_RELAY_LOCK]);
      if (!locked) return false;
      const rows: Array<{ id: string; event_id: string; type: string; version: number; payload: unknown; occurred_at: Date; traceparent: string | null }> = await m.query(
        'SELECT id, event_id, type, version, payload, occurred_at, traceparent FROM outbox ORDER BY id LIMIT $1',
        [batchSize],
      );
      const encoder = new TextEncoder();
      // One at a time: a publish that fails leaves every later event unpublished, so order holds on retry.
      for (const row of rows) {
        const envelope = {
          id: row.event_id,
          type: row.type,
          version: row.version,
          source: db.schema,
          payload: row.payload,
          occurredAt: new Date(row.occurred_at).toISOString(),
          traceparent: row.traceparent,
        };
        const subject = subjectOf(subjectRoot, row.type, partitionOf(orderingKey(row.type, row.payload), this.partitions));
        await js.publish(subject, encoder.encode(JSON.stringify(envelope)), { msgID: row.event_id, timeout: this.options.publishTimeoutMs ?? 5_000 });
      }
      if (rows.length) await m.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      return rows.length === batchSize;
    });
  }

  /** Holds this replica's fair share of every consumer's partitions: renews, gives back extras, claims free ones. */
  private async rebalance(): Promise<void> {
    if (this.stopped) return;
    const shares = await this.leases.heartbeat(this.consumers.map((c) => c.name));
    for (const consumer of this.consumers) {
      const share = shares.get(consumer.name) ?? this.partitions;
      const held = new Map((await this.leases.renew(consumer.name)).map((c) => [c.partition, c]));
      // A worker whose lease is gone stops (its batches would be refused anyway).
      for (const [partition, worker] of consumer.workers) {
        if (held.get(partition)?.epoch !== worker.claim.epoch) {
          consumer.workers.delete(partition);
          await worker.stop();
        }
      }
      const extra = [...consumer.workers.values()].sort((a, b) => b.claim.partition - a.claim.partition).slice(0, Math.max(0, consumer.workers.size - share));
      for (const worker of extra) {
        consumer.workers.delete(worker.claim.partition);
        await worker.stop();
        await this.leases.release(worker.claim);
      }
      if (this.stopped) return;
      for (const claim of await this.leases.claim(consumer.name, share - consumer.workers.size)) this.startWorker(consumer, claim);
    }
  }

  private startWorker(consumer: Consumer, claim: Claim): void {
    const worker: PartitionWorker = new PartitionWorker(this.context, consumer, claim, () => {
      if (consumer.workers.get(claim.partition) === worker) consumer.workers.delete(claim.partition);
    });
    consumer.workers.set(claim.partition, worker);
  }
}

/** Deletes a stream and everything in it (tests' own streams; an operator's clean-up). False when there was none. */
export async function deleteStream(natsUrl: string, stream: string): Promise<boolean> {
  const nc = await connect({ servers: natsUrl.split(',').map((s) => s.trim()) });
  try {
    return await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}
