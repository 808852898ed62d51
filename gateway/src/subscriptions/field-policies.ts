/** What the gateway may do with the events of each subscription field: coalesce them for slow clients, replay the latest to late joiners. */

export interface FieldPolicy {
  /**
   * Field names leading, inside one event, to what the event is about (`['product', 'id']`); `[]`
   * when every event of one subscription is about the same thing (an order, the round). A plan
   * whose selection lacks this path gets neither coalescing nor replay: the gateway never guesses.
   */
  keyPath: readonly string[];
  /** The event is a state, not a notice: when a slow client's queue is full, a newer event replaces the queued one with the same key. */
  coalesce: boolean;
  /**
   * A client joining a shared upstream subscription first gets the latest event per key (the
   * subgraph sent its snapshot only to the first subscriber). Only for fields whose latest event
   * is still true later: `lowStock` is not, an item stops being low without a `lowStock` event.
   */
  replayLatest: boolean;
}

/** The public contract's subscription fields (see ARCHITECTURE.md); any other field is a notice: never coalesced, never replayed. */
export const DEFAULT_FIELD_POLICIES: Readonly<Record<string, FieldPolicy>> = {
  availabilityChanged: { keyPath: ['product', 'id'], coalesce: true, replayLatest: true },
  lowStock: { keyPath: ['product', 'id'], coalesce: true, replayLatest: false },
  // One order per subscription (orderStatusChanged(orderId)); statuses are transitions a client may act on, so never coalesced.
  orderStatusChanged: { keyPath: [], coalesce: false, replayLatest: true },
  roundChanged: { keyPath: [], coalesce: false, replayLatest: true },
};
