/** The name of every event on the bus: past-tense facts, one place to spell them (see PROTOCOL.md). */
export const EventType = {
  // manufacturer publishes
  SupplyChanged: 'SupplyChanged',
  SettlementApplied: 'SettlementApplied',
  // inventory publishes
  StockReserved: 'StockReserved',
  StockRejected: 'StockRejected',
  StockReleased: 'StockReleased',
  AvailabilityChanged: 'AvailabilityChanged',
  LowStock: 'LowStock',
  StockDepleted: 'StockDepleted',
  RoundOpened: 'RoundOpened',
  RoundClosed: 'RoundClosed',
  RoundSettled: 'RoundSettled',
  // order publishes
  OrderPlaced: 'OrderPlaced',
  OrderCancelled: 'OrderCancelled',
  OrderLineChangeRequested: 'OrderLineChangeRequested',
  OrderOverdue: 'OrderOverdue',
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];
