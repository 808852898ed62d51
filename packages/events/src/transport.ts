/**
 * What a service needs from the event bus, whichever carries the events: the Postgres bus (the
 * default, nothing to install) or NATS JetStream. Writing to the outbox is not part of it: every
 * service records its events with `recordEvents` in its own transaction, whatever the transport.
 */
import type { Accepts, Parsed } from '@distribution/contracts';
import type { BusEvent } from './event.js';
import type { EventHandler, RegisteredConsumer } from './bus.js';

/** The transports a deployment can choose with EVENT_TRANSPORT. */
export const EVENT_TRANSPORTS = ['postgres', 'nats'] as const;
export type TransportName = (typeof EVENT_TRANSPORTS)[number];

export interface EventTransport {
  readonly transport: TransportName;
  /**
   * Registers a consumer of the contract's events: per type, the versions it reads. Its handler gets
   * batches, read and typed, inside a transaction of the consumer's database that also records them
   * in its inbox. Its name identifies its progress and inbox: keep it stable.
   */
  consume<const A extends Accepts>(name: string, accepts: A, handler: EventHandler<Parsed<BusEvent, A>>): this;
  /** The consumers registered, in order (the bus console re-delivers parked events to them). */
  registeredConsumers(): RegisteredConsumer[];
  /** Starts relaying this service's outbox and feeding its consumers. */
  start(): Promise<void>;
  /** Stops both; a batch under way finishes first. */
  stop(): Promise<void>;
}
