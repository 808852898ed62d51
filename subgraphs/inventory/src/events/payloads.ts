/**
 * The events inventory reads and writes, exactly as packages/events/PROTOCOL.md describes them.
 * Incoming payloads are checked: a malformed one throws, so the bus parks it for an operator
 * instead of letting it write nonsense.
 */
import type { DomainEvent, NewEvent } from '@distribution/events';
import { isUuid } from '@distribution/db';
import type { Outcome, ReservationRequest } from '../domain/reservation.js';
import type { RoundCloseReason, RoundSale } from '../domain/rounds.js';
import { availableOf, stockStatus, type StockRow } from '../domain/stock.js';
import type { SupplyChange, SupplyChangeReason } from '../domain/supply.js';

export class MalformedEvent extends Error {
  constructor(event: Pick<DomainEvent, 'type' | 'id' | 'version'>, why: string) {
    super(`${event.type} v${event.version} (${event.id}) cannot be applied: ${why}`);
    this.name = 'MalformedEvent';
  }
}

type Fields = Record<string, unknown>;
const REASONS: SupplyChangeReason[] = ['CREATED', 'PRODUCED', 'UPDATED', 'DISCONTINUED', 'SETTLED'];

function reader(event: DomainEvent) {
  if (event.version !== 1) throw new MalformedEvent(event, 'only version 1 is understood');
  const fail = (why: string): never => { throw new MalformedEvent(event, why); };
  const object = (value: unknown, name: string): Fields => (value && typeof value === 'object' && !Array.isArray(value) ? value as Fields : fail(`${name} is not an object`));
  const id = (o: Fields, name: string) => (isUuid(o[name]) ? (o[name] as string).toLowerCase() : fail(`${name} is not a UUID`));
  const int = (o: Fields, name: string, min: number) => (Number.isSafeInteger(o[name]) && (o[name] as number) >= min ? o[name] as number : fail(`${name} is not an integer >= ${min}`));
  const text = (o: Fields, name: string) => (typeof o[name] === 'string' ? o[name] as string : fail(`${name} is not text`));
  const list = (o: Fields, name: string) => (Array.isArray(o[name]) ? o[name] as unknown[] : fail(`${name} is not a list`));
  return { payload: object(event.payload, 'payload'), fail, object, id, int, text, list };
}

/** OrderPlaced, OrderCancelled, OrderLineChangeRequested → what to do with stock. */
export function readOrderRequest(event: DomainEvent): ReservationRequest {
  const { payload, fail, object, id, int, list } = reader(event);
  const orderId = id(payload, 'orderId');
  switch (event.type) {
    case 'OrderPlaced': {
      const lines = list(payload, 'lines').map((raw, i) => {
        const line = object(raw, `lines[${i}]`);
        return { productId: id(line, 'productId'), quantity: int(line, 'quantity', 1), unitPriceCents: int(line, 'unitPriceCents', 0) };
      });
      if (lines.length === 0) fail('an order needs at least one line');
      return { kind: 'PLACE', orderId, lines };
    }
    case 'OrderCancelled':
      return { kind: 'CANCEL', orderId };
    case 'OrderLineChangeRequested':
      return {
        kind: 'CHANGE', orderId, changeId: typeof payload.changeId === 'string' && payload.changeId ? payload.changeId : fail('changeId is missing'),
        productId: id(payload, 'productId'), quantity: int(payload, 'quantity', 0), unitPriceCents: int(payload, 'unitPriceCents', 0),
      };
    default:
      return fail('not an order event');
  }
}

export function readSupplyChanged(event: DomainEvent): SupplyChange {
  const { payload, fail, id, int, text } = reader(event);
  const reason = REASONS.includes(payload.reason as SupplyChangeReason) ? payload.reason as SupplyChangeReason : fail('reason is unknown');
  if (typeof payload.discontinued !== 'boolean') fail('discontinued is not a boolean');
  if (!Number.isSafeInteger(payload.delta)) fail('delta is not an integer');
  return {
    productId: id(payload, 'productId'), manufacturerId: id(payload, 'manufacturerId'), category: text(payload, 'category'),
    unitPriceCents: int(payload, 'unitPriceCents', 0), supply: int(payload, 'supply', 0), delta: payload.delta as number,
    reason, discontinued: payload.discontinued as boolean,
  };
}

export interface SettlementApplied { roundNumber: number; manufacturerId: string; settlementId: string }

export function readSettlementApplied(event: DomainEvent): SettlementApplied {
  const { payload, id, int } = reader(event);
  return { roundNumber: int(payload, 'roundNumber', 1), manufacturerId: id(payload, 'manufacturerId'), settlementId: id(payload, 'settlementId') };
}

/** StockReserved, StockRejected or StockReleased for one outcome. */
export function outcomeEvent(outcome: Outcome): NewEvent {
  switch (outcome.kind) {
    case 'RESERVED': {
      // A changed line also says what the change added or released (`delta`); a new order's lines are all new.
      const lines = outcome.lines.map(({ productId, quantity, delta }) => (delta === undefined ? { productId, quantity } : { productId, quantity, delta }));
      return { type: 'StockReserved', version: 1, payload: { orderId: outcome.orderId, changeId: outcome.changeId, roundNumber: outcome.roundNumber, lines } };
    }
    case 'REJECTED':
      return { type: 'StockRejected', version: 1, payload: { orderId: outcome.orderId, changeId: outcome.changeId, reason: outcome.reason, lines: outcome.lines } };
    case 'RELEASED':
      return { type: 'StockReleased', version: 1, payload: { orderId: outcome.orderId, lines: outcome.lines } };
  }
}

/** The AvailabilityChanged (and LowStock) payload: a stock row as watchers see it. */
export function availabilityPayload(row: StockRow) {
  const available = availableOf(row);
  return {
    productId: row.productId, manufacturerId: row.manufacturerId, category: row.category, onHand: row.onHand, reserved: row.reserved,
    available, lowStockThreshold: row.lowStockThreshold, status: stockStatus(available, row.lowStockThreshold), roundNumber: row.roundNumber,
  };
}

export const availabilityChanged = (row: StockRow): NewEvent => ({ type: 'AvailabilityChanged', version: 1, payload: availabilityPayload(row) });
export const lowStock = (row: StockRow): NewEvent => ({ type: 'LowStock', version: 1, payload: availabilityPayload(row) });
export const stockDepleted = (row: StockRow): NewEvent => ({
  type: 'StockDepleted', version: 1, payload: { productId: row.productId, manufacturerId: row.manufacturerId, category: row.category, roundNumber: row.roundNumber },
});

export const roundOpened = (roundNumber: number, openedAt: Date, endsAt: Date): NewEvent => ({
  type: 'RoundOpened', version: 1, payload: { roundNumber, openedAt: openedAt.toISOString(), endsAt: endsAt.toISOString() },
});
export const roundClosed = (roundNumber: number, closedAt: Date, reason: RoundCloseReason, sales: RoundSale[]): NewEvent => ({
  type: 'RoundClosed', version: 1, payload: { roundNumber, closedAt: closedAt.toISOString(), reason, sales },
});
export const roundSettled = (roundNumber: number): NewEvent => ({ type: 'RoundSettled', version: 1, payload: { roundNumber } });
