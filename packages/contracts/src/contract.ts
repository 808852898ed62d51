/**
 * The contract: for every event type, each version's payload schema. A change that is not
 * backwards compatible adds a version here (and a section to PROTOCOL.md); consumers name the
 * versions they accept, so a new one is parked by old consumers rather than misread.
 */
import type { z } from 'zod';
import { EventType } from './event-type.js';
import { SettlementAppliedV1, SupplyChangedV1 } from './manufacturer-events.js';
import {
  AvailabilityChangedV1,
  LowStockV1,
  RoundClosedV1,
  RoundOpenedV1,
  RoundSettledV1,
  StockDepletedV1,
  StockRejectedV1,
  StockRejectedV2,
  StockReleasedV1,
  StockReservedV1,
} from './inventory-events.js';
import { OrderCancelledV1, OrderLineChangeRequestedV1, OrderOverdueV1, OrderPlacedV1 } from './order-events.js';

export const contract = {
  [EventType.SupplyChanged]: { 1: SupplyChangedV1 },
  [EventType.SettlementApplied]: { 1: SettlementAppliedV1 },
  [EventType.StockReserved]: { 1: StockReservedV1 },
  [EventType.StockRejected]: { 1: StockRejectedV1, 2: StockRejectedV2 },
  [EventType.StockReleased]: { 1: StockReleasedV1 },
  [EventType.AvailabilityChanged]: { 1: AvailabilityChangedV1 },
  [EventType.LowStock]: { 1: LowStockV1 },
  [EventType.StockDepleted]: { 1: StockDepletedV1 },
  [EventType.RoundOpened]: { 1: RoundOpenedV1 },
  [EventType.RoundClosed]: { 1: RoundClosedV1 },
  [EventType.RoundSettled]: { 1: RoundSettledV1 },
  [EventType.OrderPlaced]: { 1: OrderPlacedV1 },
  [EventType.OrderCancelled]: { 1: OrderCancelledV1 },
  [EventType.OrderLineChangeRequested]: { 1: OrderLineChangeRequestedV1 },
  [EventType.OrderOverdue]: { 1: OrderOverdueV1 },
} as const satisfies { readonly [T in EventType]: { readonly [version: number]: z.ZodType } };

type Contract = typeof contract;

/** The versions the contract defines for `T`. */
export type VersionOf<T extends EventType> = keyof Contract[T] & number;

type SchemaOf<T extends EventType, V extends VersionOf<T>> = Contract[T][V] extends z.ZodType ? Contract[T][V] : never;

/** A payload as consumers read it (after parsing: ids lower-case). */
export type PayloadOf<T extends EventType, V extends VersionOf<T> = VersionOf<T>> = z.output<SchemaOf<T, V>>;

/** A payload as producers hand it to a builder. */
export type PayloadInput<T extends EventType, V extends VersionOf<T> = VersionOf<T>> = z.input<SchemaOf<T, V>>;

/** One (type, version) of the contract with its payload. */
export interface ContractEventOf<T extends EventType, V extends VersionOf<T>> {
  type: T;
  version: V;
  payload: PayloadOf<T, V>;
}

/** Any event of the contract (or of the types `T`), as a union discriminated by `type` and `version`. */
export type ContractEvent<T extends EventType = EventType> = {
  [K in T]: { [V in VersionOf<K>]: ContractEventOf<K, V> }[VersionOf<K>];
}[T];

/** Every (type, version) the contract knows, for documentation and its tests. */
export function definedEvents(): Array<{ type: EventType; version: number; schema: z.ZodType }> {
  return Object.entries(contract).flatMap(([type, versions]) =>
    Object.entries(versions).map(([version, schema]) => ({ type: type as EventType, version: Number(version), schema: schema as z.ZodType })),
  );
}

/** The schema of one (type, version); undefined when the contract does not define it. */
export function schemaOf(type: string, version: number): z.ZodType | undefined {
  if (!Object.hasOwn(contract, type)) return undefined;
  const versions: Record<number, z.ZodType> = contract[type as EventType];
  return Object.hasOwn(versions, version) ? versions[version] : undefined;
}
