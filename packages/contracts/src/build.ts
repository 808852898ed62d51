/**
 * Producer side: one builder per event, the only way to make what `recordEvents` takes. Every
 * payload is checked against its schema when it is built, in production too: a producer's bug
 * fails its own transaction (with the schema's words) instead of committing a fact no consumer
 * can read. It costs about a microsecond per event (see packages/contracts/README.md).
 */
import type { z } from 'zod';
import { contract, type ContractEventOf, type PayloadInput, type VersionOf } from './contract.js';
import { EventType } from './event-type.js';
import { describeIssues } from './issues.js';

declare const checked: unique symbol;

/** An event a builder made, so its payload is known to fit the contract. */
export type Built<E> = E & { readonly [checked]: true };

/**
 * Envelope, not payload: the W3C `traceparent` of what caused an event, so that its consumers
 * continue that trace (PROTOCOL.md, "Envelope"). Optional: without it the outbox writes the span
 * running at the time, or nothing when tracing is off.
 */
export interface TraceContext {
  readonly traceparent?: string | null;
}

/** Any event ready for the outbox (or the events of types `T`). */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: { [V in VersionOf<K>]: Built<ContractEventOf<K, V>> }[VersionOf<K>];
}[T] &
  TraceContext;

/** `event`, continuing the trace `traceparent` names: a batch that answers many requests gives each answer its cause's. */
export function causedBy<E extends NewEvent>(event: E, traceparent: string | null | undefined): E {
  return traceparent ? { ...event, traceparent } : event;
}

/** A producer built a payload its own contract refuses: a bug in that producer, never sent. */
export class EventContractBroken extends Error {
  constructor(
    readonly type: EventType,
    readonly version: number,
    readonly issues: string[],
  ) {
    super(`${type} v${version} does not fit the contract: ${issues.join('; ')}`);
    this.name = 'EventContractBroken';
  }
}

function builder<T extends EventType, V extends VersionOf<T>>(type: T, version: V) {
  const schema = contract[type][version] as z.ZodType;
  return (payload: PayloadInput<T, V>): Built<ContractEventOf<T, V>> => {
    const result = schema.safeParse(payload);
    if (!result.success) throw new EventContractBroken(type, version, describeIssues(result.error));
    return { type, version, payload: result.data } as Built<ContractEventOf<T, V>>;
  };
}

export const supplyChanged = builder(EventType.SupplyChanged, 1);
export const settlementApplied = builder(EventType.SettlementApplied, 1);
export const stockReserved = builder(EventType.StockReserved, 1);
export const stockRejected = builder(EventType.StockRejected, 1);
/** Only for reason TIMED_OUT (v1 carries every other reason). */
export const stockRejectedV2 = builder(EventType.StockRejected, 2);
export const stockReleased = builder(EventType.StockReleased, 1);
export const availabilityChanged = builder(EventType.AvailabilityChanged, 1);
export const lowStock = builder(EventType.LowStock, 1);
export const stockDepleted = builder(EventType.StockDepleted, 1);
export const roundOpened = builder(EventType.RoundOpened, 1);
export const roundClosed = builder(EventType.RoundClosed, 1);
export const roundSettled = builder(EventType.RoundSettled, 1);
export const orderPlaced = builder(EventType.OrderPlaced, 1);
export const orderCancelled = builder(EventType.OrderCancelled, 1);
export const orderLineChangeRequested = builder(EventType.OrderLineChangeRequested, 1);
export const orderOverdue = builder(EventType.OrderOverdue, 1);
