/**
 * Internal: applies one partition of one consumer, while this replica holds its lease. It reads the
 * partition from a durable JetStream consumer that starts right after the position committed in the
 * service's database, applies batches in stream order in one transaction each (inbox, handler,
 * position), and acks only after the commit. Any failure starts again from the committed position,
 * so nothing is skipped or applied twice and the partition's order holds.
 */
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { returnedRows, type EntityManager, type ServiceDatabase } from '@distribution/db';
import type { Logger } from '@distribution/logging';
import { EventParseError } from '@distribution/contracts';
import { readThroughContract, type RegisteredConsumer } from '../bus.js';
import type { BusEvent } from '../event.js';
import { announceParking } from '../parking-notice.js';
import { traceEventBatch } from '@distribution/tracing';
import type { Claim } from './leases.js';
import { durableName, partitionFilter } from './ordering.js';

/** What a worker needs from its bus. */
export interface WorkerContext {
  database: ServiceDatabase;
  logger: Logger;
  connection(): Promise<NatsConnection>;
  stream: string;
  subjectRoot: string;
  replica: string;
  batchSize: number;
  maxAttempts: number;
}

/** The lease moved to another replica (or lapsed): this worker must stop without applying. */
export class LeaseLost extends Error {
  constructor(claim: Claim) {
    super(`lease of ${claim.consumer} partition ${claim.partition} (epoch ${claim.epoch}) is no longer held`);
    this.name = 'LeaseLost';
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOTHING_YET = Symbol('nothing yet');
const nextMacrotask = () => new Promise<typeof NOTHING_YET>((r) => setImmediate(() => r(NOTHING_YET)));

/** Reads a message as the event it carries; a body that is not an envelope becomes an event the contract refuses. */
function eventOf(message: JsMsg): BusEvent {
  try {
    const e = JSON.parse(new TextDecoder().decode(message.data));
    return {
      id: e.id,
      type: e.type,
      version: e.version,
      source: e.source,
      payload: e.payload,
      occurredAt: e.occurredAt,
      position: message.seq,
      traceparent: e.traceparent ?? null,
    };
  } catch {
    const id = message.headers?.get('Nats-Msg-Id') ?? '00000000-0000-0000-0000-000000000000';
    return { id, type: message.subject.split('.')[1] ?? '', version: 0, source: '', payload: null, occurredAt: new Date().toISOString(), position: message.seq };
  }
}

export class PartitionWorker {
  private stopped = false;
  private messages: ConsumerMessages | null = null;
  /** After a failed batch, its events are applied one by one (up to this sequence) to find the culprit. */
  private singleStepUntil = 0;
  private readonly failures = new Map<string, number>();
  private readonly types: Set<string>;
  readonly done: Promise<void>;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly consumer: RegisteredConsumer,
    readonly claim: Claim,
    /** Called when the worker ends by itself (its lease was lost). */
    private readonly onEnd: () => void,
  ) {
    this.types = new Set(consumer.types);
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consumeFromPosition();
      } catch (error) {
        if (error instanceof LeaseLost) {
          this.ctx.logger.warn({ consumer: this.consumer.name, partition: this.claim.partition }, 'partition lease lost; another replica applies it');
          break;
        }
        if (!this.stopped) {
          this.ctx.logger.warn({ consumer: this.consumer.name, partition: this.claim.partition, err: error }, 'partition consumer failed; starting again from its position');
          await pause(250);
        }
      } finally {
        this.messages?.stop();
        this.messages = null;
      }
    }
    if (!this.stopped) this.onEnd();
  }

  /** One durable consumer from the committed position on, until a failure or stop. */
  private async consumeFromPosition(): Promise<void> {
    const { database, stream, batchSize } = this.ctx;
    const { consumer: name, partition, epoch } = this.claim;
    const nc = await this.ctx.connection();
    const [row] = await database.query<{ position: string; holder: string | null; epoch: string }>(
      'SELECT position, holder, epoch FROM nats_partition WHERE consumer = $1 AND partition = $2',
      [name, partition],
    );
    if (!row || row.holder !== this.ctx.replica || Number(row.epoch) !== epoch) throw new LeaseLost(this.claim);
    const position = Number(row.position);
    const durable = durableName(database.schema, name, partition, epoch);
    const jsm = await nc.jetstreamManager();
    // A fresh durable consumer at each start: its start is the committed position, whatever an earlier one delivered.
    await jsm.consumers.delete(stream, durable).catch(() => false);
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(60_000),
      filter_subject: partitionFilter(this.ctx.subjectRoot, partition),
      ...(position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 } : { deliver_policy: DeliverPolicy.All }),
      max_ack_pending: batchSize * 4,
      // A replica that dies leaves its consumer behind: the server drops it after this long unused.
      inactive_threshold: nanos(10 * 60_000),
    });
    if (this.stopped) return;
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: batchSize * 2, expires: 5_000 });
    this.messages = messages;
    const iterator = messages[Symbol.asyncIterator]();
    let last = position;
    let waiting = iterator.next();
    while (!this.stopped) {
      const first = await waiting;
      if (first.done) return;
      waiting = iterator.next();
      const batch: JsMsg[] = [first.value];
      const limit = last < this.singleStepUntil ? 1 : batchSize;
      // What has arrived already joins the batch (a buffered message is yielded before the next
      // macrotask); nothing waits for more.
      while (batch.length < limit) {
        const next = await Promise.race([waiting, nextMacrotask()]);
        if (next === NOTHING_YET || next.done) break;
        waiting = iterator.next();
        batch.push(next.value);
      }
      const fresh = batch.filter((m) => m.seq > last);
      // A redelivery of what this consumer applied or holds: already committed, or about to be.
      for (const m of batch) if (m.seq <= last) m.ack();
      if (fresh.length === 0) continue;
      await this.applyOrRecord(fresh);
      last = fresh[fresh.length - 1]!.seq;
      for (const m of fresh) m.ack();
    }
  }

  /** Applies a batch; on failure narrows down to one event at a time and parks one that keeps failing. */
  private async applyOrRecord(batch: JsMsg[]): Promise<void> {
    const attempt: { first: BusEvent | null } = { first: null };
    try {
      await this.applyBatch(batch, attempt);
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      if (batch.length > 1) {
        this.ctx.logger.warn({ consumer: this.consumer.name, err: error }, 'event batch failed; retrying one event at a time');
        this.singleStepUntil = batch[batch.length - 1]!.seq;
        throw error;
      }
      const event = attempt.first;
      if (!event) throw error;
      const attempts = (this.failures.get(event.id) ?? 0) + 1;
      this.failures.set(event.id, attempts);
      this.ctx.logger.warn({ consumer: this.consumer.name, eventId: event.id, type: event.type, attempts, err: error }, 'event failed');
      if (attempts < this.ctx.maxAttempts && !(error instanceof EventParseError)) {
        await pause(Math.min(2000, 50 * 2 ** attempts));
        throw error;
      }
      await this.park(event, event.position, String((error as Error)?.message ?? error), attempts);
      this.failures.delete(event.id);
    }
  }

  /** Checks the lease under its row lock: the partition's batches take turns, and a former holder is refused. */
  private async holdLease(m: EntityManager): Promise<number> {
    const [row] = await m.query('SELECT holder, epoch, position FROM nats_partition WHERE consumer = $1 AND partition = $2 FOR UPDATE', [
      this.claim.consumer,
      this.claim.partition,
    ]);
    if (!row || row.holder !== this.ctx.replica || Number(row.epoch) !== this.claim.epoch) throw new LeaseLost(this.claim);
    return Number(row.position);
  }

  /** One transaction: the lease still ours, the inbox entries, the handler's work, the new position. */
  private async applyBatch(batch: JsMsg[], attempt: { first: BusEvent | null }): Promise<void> {
    const { name } = this.consumer;
    await this.ctx.database.transaction(async (m) => {
      const position = await this.holdLease(m);
      const ours = batch
        .filter((msg) => msg.seq > position)
        .map(eventOf)
        .filter((e) => this.types.has(e.type));
      const fresh = new Set(
        ours.length === 0
          ? []
          : returnedRows<{ event_id: string }>(
              await m.query(`INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`, [name, ours.map((e) => e.id)]),
            ).map((r) => r.event_id),
      );
      const received = ours.filter((e) => fresh.has(e.id));
      attempt.first = received[0] ?? null;
      const { events, unreadable } = readThroughContract(received, this.consumer.accepts);
      for (const { event, error } of unreadable) await this.recordParked(m, event, error.message, 1);
      // The batch continues the trace of each event it applies (as on the Postgres bus).
      if (events.length) await traceEventBatch(this.ctx.database.schema, name, received, (continuing) => this.consumer.handler(continuing(events as BusEvent[]), m));
      await m.query('UPDATE nats_partition SET position = greatest(position, $3) WHERE consumer = $1 AND partition = $2', [
        name,
        this.claim.partition,
        batch[batch.length - 1]!.seq,
      ]);
    });
  }

  /** Parks an event that keeps failing: recorded with why, in the inbox so it is skipped, the position past it. */
  private async park(event: BusEvent, seq: number, error: string, attempts: number): Promise<void> {
    await this.ctx.database.transaction(async (m) => {
      await this.holdLease(m);
      await m.query('INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [this.consumer.name, event.id]);
      await this.recordParked(m, event, error, attempts);
      await m.query('UPDATE nats_partition SET position = greatest(position, $3) WHERE consumer = $1 AND partition = $2', [this.consumer.name, this.claim.partition, seq]);
    });
    this.ctx.logger.error({ consumer: this.consumer.name, eventId: event.id, type: event.type, attempts }, 'event parked after failing');
  }

  private async recordParked(m: EntityManager, event: BusEvent, error: string, attempts: number): Promise<void> {
    await m.query(`INSERT INTO parked_event (consumer, event_id, position, type, error, attempts) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [
      this.consumer.name,
      event.id,
      event.position,
      event.type,
      error,
      attempts,
    ]);
    await announceParking(m, this.ctx.database.schema, [{ consumer: this.consumer.name, eventId: event.id, type: event.type, error }]);
  }
}
