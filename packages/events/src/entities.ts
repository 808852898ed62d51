/**
 * The event tables every service has in its own schema (created by EventTables1700000000000):
 * the outbox it publishes from, and the cursor, inbox and parked events of its consumers.
 */
import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** An event written with the change it announces, until the relay moves it to the bus. */
@Entity('outbox')
@Unique('outbox_event_id_key', ['eventId'])
export class OutboxEntity {
  /** Commit order of the service's events (bigint: a string from the driver). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text')
  type!: string;

  @Column('int', { default: 1 })
  version!: number;

  @Column('jsonb')
  payload!: unknown;

  @Column('timestamptz', { name: 'occurred_at', default: () => 'now()' })
  occurredAt!: Date;

  /** The W3C trace context the event was written in (OutboxTraceparent1768000000000); null when nothing was traced. */
  @Column('text', { nullable: true })
  traceparent!: string | null;
}

/** How far on the bus a consumer has applied events. */
@Entity('event_cursor')
export class EventCursorEntity {
  @PrimaryColumn('text')
  consumer!: string;

  /** A bus position (bigint: a string from the driver). */
  @Column('bigint', { default: 0 })
  position!: string;
}

/** An event a consumer has applied: a redelivery finds it here and changes nothing. */
@Entity('inbox')
export class InboxEntity {
  @PrimaryColumn('text')
  consumer!: string;

  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('timestamptz', { name: 'applied_at', default: () => 'now()' })
  appliedAt!: Date;
}

/** An event that failed a consumer too often: skipped, with why, for an operator to replay. */
@Entity('parked_event')
export class ParkedEventEntity {
  @PrimaryColumn('text')
  consumer!: string;

  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('bigint')
  position!: string;

  @Column('text')
  type!: string;

  @Column('text')
  error!: string;

  @Column('int')
  attempts!: number;

  @Column('timestamptz', { name: 'parked_at', default: () => 'now()' })
  parkedAt!: Date;
}

/** Every service registers these beside its own entities. */
/** One hand on the bus: a retry or discard of a parked event, who asked, when and why (BusRepairLog1767000000000). */
@Entity('bus_repair')
// Newest first (DESC), which TypeORM cannot describe: the migration owns it.
@Index('bus_repair_newest', { synchronize: false })
@Check('bus_repair_action_check', `action IN ('RETRIED', 'RETRY_FAILED', 'DISCARDED')`)
export class BusRepairEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('text')
  consumer!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text')
  type!: string;

  @Column('text')
  action!: 'RETRIED' | 'RETRY_FAILED' | 'DISCARDED';

  /** The operator (the token's subject) who asked. */
  @Column('text')
  actor!: string;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;
}

export const eventEntities = [OutboxEntity, EventCursorEntity, InboxEntity, ParkedEventEntity, BusRepairEntity];
