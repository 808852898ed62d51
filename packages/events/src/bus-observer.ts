/** What the bus tells whoever watches it (the metrics of @distribution/server); told after each commit, never inside a transaction. */
export interface BusObserver {
  /** A consumer applied `events` events in one transaction. */
  batchApplied(consumer: string, events: number): void;
  /** `events` events of a consumer were parked. */
  parked(consumer: string, events: number): void;
  /** A relay batch reached the bus; its oldest event had waited `seconds` in the outbox. */
  relayed(seconds: number): void;
}
