/** The envelope every event travels in. Payloads are versioned JSON, defined by @distribution/contracts (PROTOCOL.md). */
import type { ContractEvent, EventType } from '@distribution/contracts';

/** An event as the bus stores it, its payload not yet read through the contract. */
export interface BusEvent {
  /** Unique id; consumers record it in their inbox so a redelivery changes nothing. */
  id: string;
  /** Past-tense fact, e.g. `SupplyChanged`. */
  type: string;
  /** Payload schema version of this type. */
  version: number;
  /** The schema (service) that produced it. */
  source: string;
  payload: unknown;
  occurredAt: string;
  /** Position on the bus, increasing in commit order. */
  position: number;
  /** The W3C trace context it was written in (PROTOCOL.md, "Envelope"): its consumers continue that trace. */
  traceparent?: string | null;
}

/** An event a consumer receives (of the types `T`): its payload read and typed by the contract. */
export type DomainEvent<T extends EventType = EventType> = Omit<BusEvent, 'type' | 'version' | 'payload'> & ContractEvent<T>;

/** What `recordEvents` takes: only events a contract builder made. */
export type { NewEvent } from '@distribution/contracts';
