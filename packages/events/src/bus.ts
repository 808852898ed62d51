/**
 * Moves this service's outbox to the bus (relay) and feeds bus events to this service's
 * handlers (consumers), at least once, applied exactly once thanks to the inbox.
 */
import { returnedRows, type Columns, type ServiceDatabase, type EntityManager } from '@distribution/db';
import type { Logger } from '@distribution/logging';
import { acceptedTypes, EventParseError, parseEvent, type Accepts, type Parsed } from '@distribution/contracts';
import type { BusEvent } from './event.js';
import { outboxChannel } from './outbox.js';
import { BUS_APPEND_LOCK, busChannel, ensureBusSchema } from './bus-schema.js';
import { PostgresListener } from './listener.js';
import { announceParking } from './parking-notice.js';
import type { InboxEntity, OutboxEntity } from './entities.js';
import { traceEventBatch, traceRelayed } from '@distribution/tracing';

/** A row of bus.events: an outbox row as the relay appended it, with its bus position and source (bigint position: a string). */
type BusEventColumns = Columns<OutboxEntity, 'eventId' | 'type' | 'version' | 'payload' | 'occurredAt' | 'traceparent'> & { position: string; source: string };

/** Applies a batch of events inside the consumer's transaction; throwing rolls the batch back. */
export type EventHandler<E> = (events: E[], manager: EntityManager) => Promise<void>;

export interface EventBusOptions {
  database: ServiceDatabase;
  logger: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  /**
   * An event that fails alone this many times is parked and skipped, so it cannot block the rest.
   * One the contract cannot read (EventParseError) is parked at once: retrying cannot help it.
   */
  maxAttempts?: number;
  listener?: PostgresListener;
}

/** A consumer as registered: what the bus console reads and re-delivers to. */
export interface RegisteredConsumer {
  name: string;
  accepts: Accepts;
  types: string[];
  handler: EventHandler<any>;
}

interface Consumer extends RegisteredConsumer {
  /** After a failed batch, events are retried one by one to find the culprit. */
  singleStep: boolean;
  failures: Map<string, number>;
}

/**
 * A loop that runs `work` when woken or every interval, never twice at once, and again if woken
 * while running. `work` is told whether something is likely waiting (a wake-up, or a full batch
 * before), so that only the polls spend a read on looking first.
 */
class WakeableLoop {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private hinted = false;
  private current: Promise<void> = Promise.resolve();
  constructor(
    private readonly work: (likely: boolean) => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}
  start() {
    this.schedule(0);
  }
  wake() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.hinted = true;
    this.schedule(0);
  }
  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.current = this.run();
    }, ms);
  }
  private async run() {
    this.timer = null;
    this.running = true;
    let more = false;
    const likely = this.hinted;
    this.hinted = false;
    try {
      more = await this.work(likely);
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
    const rerun = more || this.again;
    this.again = false;
    this.hinted = rerun;
    this.schedule(rerun ? 0 : this.intervalMs);
  }
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current.catch(() => {});
  }
}

export class EventBus {
  private readonly consumers: Consumer[] = [];
  private readonly loops: WakeableLoop[] = [];
  private readonly listener: PostgresListener;
  private readonly ownsListener: boolean;
  private readonly unlisten: Array<() => Promise<void>> = [];
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxAttempts: number;
  private started = false;

  constructor(private readonly options: EventBusOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.ownsListener = !options.listener;
    this.listener = options.listener ?? new PostgresListener(options.database.url, (e) => options.logger.warn({ err: e }, 'listener reconnecting'), options.database.timeouts);
  }

  private get db() {
    return this.options.database;
  }

  /**
   * Registers a consumer of the contract's events: per type, the versions it reads (`{ OrderPlaced: [1] }`).
   * Its handler gets them read and typed; the others are parked. Its name identifies its cursor and inbox: keep it stable.
   */
  consume<const A extends Accepts>(name: string, accepts: A, handler: EventHandler<Parsed<BusEvent, A>>): this {
    if (this.started) throw new Error('Register consumers before start()');
    this.consumers.push({ name, accepts, types: acceptedTypes(accepts), handler, singleStep: false, failures: new Map() });
    return this;
  }

  /** The consumers registered, in order (their names, types and handlers). */
  registeredConsumers(): RegisteredConsumer[] {
    return this.consumers.map(({ name, accepts, types, handler }) => ({ name, accepts, types, handler }));
  }

  async start(): Promise<void> {
    this.started = true;
    await ensureBusSchema(this.db.url, this.db.timeouts);
    const onError = (error: unknown) => this.options.logger.error({ err: error }, 'event loop failed; will retry');
    const relay = new WakeableLoop((likely) => this.relayBatch(likely), this.pollIntervalMs, onError);
    this.loops.push(relay);
    this.unlisten.push(await this.listener.listen(outboxChannel(this.db.schema), () => relay.wake()));
    await this.ensureCursors();
    // Each consumer loop is woken by the channels of its own event types only.
    const wakers = new Map<string, WakeableLoop[]>();
    for (const consumer of this.consumers) {
      const loop = new WakeableLoop((likely) => this.consumeBatch(consumer, likely), this.pollIntervalMs, onError);
      this.loops.push(loop);
      for (const type of consumer.types) wakers.set(type, [...(wakers.get(type) ?? []), loop]);
    }
    for (const [type, loops] of wakers) this.unlisten.push(await this.listener.listen(busChannel(type), () => loops.forEach((l) => l.wake())));
    for (const loop of this.loops) loop.start();
  }

  async stop(): Promise<void> {
    for (const off of this.unlisten.splice(0)) await off();
    await Promise.all(this.loops.splice(0).map((l) => l.stop()));
    if (this.ownsListener) await this.listener.stop();
  }

  private async ensureCursors(): Promise<void> {
    if (this.consumers.length === 0) return;
    await this.db.query('INSERT INTO event_cursor (consumer) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [this.consumers.map((c) => c.name)]);
  }

  /** Moves one batch from the outbox to the bus. Returns true when there may be more. */
  private async relayBatch(likely: boolean): Promise<boolean> {
    // A poll usually finds nothing: it looks with a plain read first (no transaction, no bus lock).
    if (!likely) {
      const [{ waiting }] = await this.db.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM outbox) AS waiting');
      if (!waiting) return false;
    }
    const started = Date.now();
    return this.db.transaction(async (m) => {
      // Positions become visible in commit order: appends of every service take turns, and
      // replicas of one service too, which keeps the service's own order.
      await m.query('SELECT pg_advisory_xact_lock($1)', [BUS_APPEND_LOCK]);
      // Move and announce in one statement: rows leave the outbox in id order, get bus positions
      // in that order, and each event type's channel is notified once (delivered at commit).
      const moved = returnedRows<Pick<OutboxEntity, 'type'> & { events: number; traces: string[] }>(
        await m.query(
          `WITH moved AS (
           DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1)
           RETURNING id, event_id, type, version, payload, occurred_at, traceparent
         ), appended AS (
           INSERT INTO bus.events (event_id, type, version, source, payload, occurred_at, traceparent)
           SELECT event_id, type, version, $2, payload, occurred_at, traceparent FROM moved ORDER BY id
           RETURNING type, traceparent
         )
         SELECT type, count(*)::int AS events, array_remove(array_agg(DISTINCT traceparent), NULL) AS traces, pg_notify($3 || type, '')
         FROM appended GROUP BY type`,
          [this.batchSize, this.db.schema, busChannel('')],
        ),
      );
      // A publish span in the trace of every event that carries one (none when tracing is off).
      traceRelayed(this.db.schema, started, moved);
      const total = moved.reduce((sum, row) => sum + row.events, 0);
      return total === this.batchSize;
    });
  }

  /** Applies one batch for one consumer. Returns true when there may be more. */
  private async consumeBatch(consumer: Consumer, likely: boolean): Promise<boolean> {
    const limit = consumer.singleStep ? 1 : this.batchSize;
    if (!likely) {
      // A poll usually finds nothing: it looks with one plain read first, no transaction.
      const [{ waiting }] = await this.db.query<{ waiting: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM bus.events WHERE type = ANY($2)
           AND position > (SELECT position FROM event_cursor WHERE consumer = $1)) AS waiting`,
        [consumer.name, consumer.types],
      );
      if (!waiting) return false;
    }
    const attempt: { first: BusEvent | null } = { first: null };
    try {
      return await this.db.transaction(async (m) => {
        // The cursor row lock makes replicas of one consumer take turns, keeping bus order.
        const rows: BusEventColumns[] = await m.query(
          `WITH cursor AS (SELECT position FROM event_cursor WHERE consumer = $1 FOR UPDATE)
             SELECT e.position, e.event_id, e.type, e.version, e.source, e.payload, e.occurred_at, e.traceparent
             FROM bus.events e, cursor WHERE e.position > cursor.position AND e.type = ANY($2)
             ORDER BY e.position LIMIT $3`,
          [consumer.name, consumer.types, limit],
        );
        if (rows.length === 0) return false;
        // The inbox entries and the cursor move in one statement; both commit with the handler's work.
        const fresh: string[] = returnedRows<Columns<InboxEntity, 'eventId'>>(
          await m.query(
            `WITH moved AS (UPDATE event_cursor SET position = $3 WHERE consumer = $1)
           INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
            [consumer.name, rows.map((r) => r.event_id), rows[rows.length - 1]!.position],
          ),
        ).map((r) => r.event_id);
        const freshSet = new Set(fresh);
        const received: BusEvent[] = rows
          .filter((r) => freshSet.has(r.event_id))
          .map((r) => ({
            id: r.event_id,
            type: r.type,
            version: r.version,
            source: r.source,
            payload: r.payload,
            occurredAt: new Date(r.occurred_at).toISOString(),
            position: Number(r.position),
            traceparent: r.traceparent,
          }));
        attempt.first = received[0] ?? null;
        const { events, unreadable } = readThroughContract(received, consumer.accepts);
        if (unreadable.length) await this.parkUnreadable(m, consumer, unreadable);
        // The batch continues the trace of each event it applies; each event the handler gets names its consumer span (traceEventBatch).
        if (events.length) await traceEventBatch(this.db.schema, consumer.name, received, (continuing) => consumer.handler(continuing(events as BusEvent[]), m));
        consumer.singleStep = false;
        return rows.length === limit;
      });
    } catch (error) {
      await this.recordFailure(consumer, attempt.first, error);
      return true;
    }
  }

  /** Parks, in the batch's transaction (their inbox entries are already written), the events the contract cannot read. */
  private async parkUnreadable(m: EntityManager, consumer: Consumer, unreadable: Array<{ event: BusEvent; error: EventParseError }>) {
    await m.query(
      `INSERT INTO parked_event (consumer, event_id, position, type, error, attempts)
       SELECT $1, u.*, 1 FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[]) AS u ON CONFLICT DO NOTHING`,
      [
        consumer.name,
        unreadable.map(({ event }) => event.id),
        unreadable.map(({ event }) => event.position),
        unreadable.map(({ event }) => event.type),
        unreadable.map(({ error }) => error.message),
      ],
    );
    await announceParking(
      m,
      this.db.schema,
      unreadable.map(({ event, error }) => ({ consumer: consumer.name, eventId: event.id, type: event.type, error: error.message })),
    );
    for (const { event, error } of unreadable) {
      this.options.logger.error(
        { consumer: consumer.name, eventId: event.id, type: event.type, version: event.version, err: error.message },
        'event parked: the contract cannot read it',
      );
    }
  }

  private async recordFailure(consumer: Consumer, event: BusEvent | null, error: unknown) {
    const log = this.options.logger;
    if (!consumer.singleStep) {
      log.warn({ consumer: consumer.name, err: error }, 'event batch failed; retrying one event at a time');
      consumer.singleStep = true;
      return;
    }
    if (!event) throw error;
    const attempts = (consumer.failures.get(event.id) ?? 0) + 1;
    consumer.failures.set(event.id, attempts);
    log.warn({ consumer: consumer.name, eventId: event.id, type: event.type, attempts, err: error }, 'event failed');
    if (attempts < this.maxAttempts && !(error instanceof EventParseError)) {
      await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempts)));
      return;
    }
    // Park it: record why, mark it applied, move on; an operator can replay it from parked_event.
    await this.db.transaction(async (m) => {
      await m.query(`INSERT INTO parked_event (consumer, event_id, position, type, error, attempts) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [
        consumer.name,
        event.id,
        event.position,
        event.type,
        String((error as Error)?.message ?? error),
        attempts,
      ]);
      await m.query('INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [consumer.name, event.id]);
      await announceParking(m, this.db.schema, [{ consumer: consumer.name, eventId: event.id, type: event.type, error: String((error as Error)?.message ?? error) }]);
    });
    consumer.failures.delete(event.id);
    log.error({ consumer: consumer.name, eventId: event.id, type: event.type, attempts }, 'event parked after failing');
  }
}

/** Splits delivered events into those `accepts` reads (parsed and typed) and those it cannot read. */
function readThroughContract(received: BusEvent[], accepts: Accepts) {
  const events: unknown[] = [];
  const unreadable: Array<{ event: BusEvent; error: EventParseError }> = [];
  for (const event of received) {
    try {
      events.push(parseEvent(event, accepts));
    } catch (error) {
      if (!(error instanceof EventParseError)) throw error;
      unreadable.push({ event, error });
    }
  }
  return { events, unreadable };
}
