/**
 * Inventory's side of the contract (@distribution/contracts; PROTOCOL.md): the events it reads,
 * as its domain's requests, and its outcomes and stock rows as the events it publishes. Payloads
 * arrive already read by the bus (a malformed one is parked there), so nothing here checks them.
 */
import {
  availabilityChanged as availabilityChangedEvent,
  lowStock as lowStockEvent,
  roundClosed as roundClosedEvent,
  roundOpened as roundOpenedEvent,
  roundSettled as roundSettledEvent,
  stockDepleted as stockDepletedEvent,
  stockRejected,
  stockRejectedV2,
  stockReleased,
  stockReserved,
  EventType,
  type AvailabilityChangedV1,
  type SupplyChangedV1,
} from '@distribution/contracts';
import type { DomainEvent } from '@distribution/events';
import type { Outcome, ReservationRequest } from '../domain/reservation.js';
import type { RoundCloseReason, RoundSale } from '../domain/rounds.js';
import { availableOf, stockStatus, type StockRow } from '../domain/stock.js';
import type { SupplyChange } from '../domain/supply.js';

/** What the order consumer reads. */
export const ORDER_REQUESTS = {
  [EventType.OrderPlaced]: [1],
  [EventType.OrderCancelled]: [1],
  [EventType.OrderLineChangeRequested]: [1],
  [EventType.OrderOverdue]: [1],
} as const;

/** OrderPlaced, OrderCancelled, OrderLineChangeRequested, OrderOverdue → what to do with stock. */
export function readOrderRequest(event: DomainEvent<keyof typeof ORDER_REQUESTS>): ReservationRequest {
  switch (event.type) {
    case EventType.OrderPlaced:
      return { kind: 'PLACE', orderId: event.payload.orderId, lines: event.payload.lines };
    case EventType.OrderCancelled:
      return { kind: 'CANCEL', orderId: event.payload.orderId };
    case EventType.OrderLineChangeRequested: {
      const { orderId, changeId, productId, quantity, unitPriceCents } = event.payload;
      return { kind: 'CHANGE', orderId, changeId, productId, quantity, unitPriceCents };
    }
    case EventType.OrderOverdue:
      return { kind: 'OVERDUE', orderId: event.payload.orderId, awaiting: event.payload.awaiting };
  }
}

/** A SupplyChanged as the supply rules see it. */
export function readSupplyChanged(p: SupplyChangedV1): SupplyChange {
  return {
    productId: p.productId,
    manufacturerId: p.manufacturerId,
    category: p.category,
    unitPriceCents: p.unitPriceCents,
    supply: p.supply,
    delta: p.delta,
    reason: p.reason,
    discontinued: p.discontinued,
  };
}

/** StockReserved, StockRejected or StockReleased for one outcome. */
export function outcomeEvent(outcome: Outcome) {
  switch (outcome.kind) {
    case 'RESERVED': {
      // A changed line also says what the change added or released (`delta`); a new order's lines are all new.
      const lines = outcome.lines.map(({ productId, quantity, delta }) => (delta === undefined ? { productId, quantity } : { productId, quantity, delta }));
      return stockReserved({ orderId: outcome.orderId, changeId: outcome.changeId, roundNumber: outcome.roundNumber, lines });
    }
    case 'REJECTED': {
      const { orderId, changeId, reason, lines } = outcome;
      // v2 only for the reason v1 lacks: every other rejection stays readable by v1 readers.
      return reason === 'TIMED_OUT' ? stockRejectedV2({ orderId, changeId, reason, lines }) : stockRejected({ orderId, changeId, reason, lines });
    }
    case 'RELEASED':
      return stockReleased({ orderId: outcome.orderId, lines: outcome.lines });
  }
}

/** The AvailabilityChanged (and LowStock) payload: a stock row as watchers see it. */
export function availabilityPayload(row: StockRow): AvailabilityChangedV1 {
  const available = availableOf(row);
  return {
    productId: row.productId,
    manufacturerId: row.manufacturerId,
    category: row.category,
    onHand: row.onHand,
    reserved: row.reserved,
    available,
    lowStockThreshold: row.lowStockThreshold,
    status: stockStatus(available, row.lowStockThreshold),
    roundNumber: row.roundNumber,
  };
}

export const availabilityChanged = (row: StockRow) => availabilityChangedEvent(availabilityPayload(row));
export const lowStock = (row: StockRow) => lowStockEvent(availabilityPayload(row));
export const stockDepleted = (row: StockRow) =>
  stockDepletedEvent({ productId: row.productId, manufacturerId: row.manufacturerId, category: row.category, roundNumber: row.roundNumber });

export const roundOpened = (roundNumber: number, openedAt: Date, endsAt: Date) => roundOpenedEvent({ roundNumber, openedAt: openedAt.toISOString(), endsAt: endsAt.toISOString() });
export const roundClosed = (roundNumber: number, closedAt: Date, reason: RoundCloseReason, sales: RoundSale[]) =>
  roundClosedEvent({ roundNumber, closedAt: closedAt.toISOString(), reason, sales });
export const roundSettled = (roundNumber: number) => roundSettledEvent({ roundNumber });
