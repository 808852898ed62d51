/** The envelope every event travels in. Payloads are versioned JSON; see PROTOCOL.md. */
export interface DomainEvent<P = any> {
  /** Unique id; consumers record it in their inbox so a redelivery changes nothing. */
  id: string;
  /** Past-tense fact, e.g. `SupplyChanged`. */
  type: string;
  /** Payload schema version of this type. */
  version: number;
  /** The schema (service) that produced it. */
  source: string;
  payload: P;
  occurredAt: string;
  /** Position on the bus, increasing in commit order. */
  position: number;
}

export interface NewEvent<P = unknown> {
  type: string;
  version?: number;
  payload: P;
}
