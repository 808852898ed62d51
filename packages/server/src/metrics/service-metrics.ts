/**
 * A subgraph's metrics: what its code calls (one call per site), and the registry its metrics port
 * serves. One per running service: `npm start` and the tests run several services in one process,
 * and each metrics port must show its own service only. With metrics off every call does nothing.
 */
import type { Registry } from 'prom-client';
import type { BusObserver, EventTransport } from '@distribution/events';
import { consumerHealth } from '@distribution/events';
import type { ServiceDatabase } from '@distribution/db';
import type { WebSocketServer } from 'ws';
import {
  consumerBatchSizes,
  consumerStates,
  createMetricsRegistry,
  graphqlRequestDurations,
  outboxAge,
  outboxRelayLags,
  parkedEventCounts,
  placeOrderWaits,
  poolStates,
  reservationBatches,
  subgraphWebSocketConnections,
  type PoolState,
} from './families.js';
import type { RequestOutcome } from './labels.js';

export interface ServiceMetrics {
  /** Null when metrics are off. */
  readonly registry: Registry | null;
  graphqlRequest(operationName: string | null | undefined, outcome: RequestOutcome, seconds: number): void;
  readonly bus: BusObserver;
  /** Inventory: one reservation batch applied, with what it decided. */
  reservationBatch(requests: number, decided: ReadonlyArray<{ kind: 'RESERVED' | 'REJECTED' | 'RELEASED' }>): void;
  /** Order: how long placeOrder waited for inventory, and whether the answer came in time. */
  placeOrderWait(seconds: number, decided: boolean): void;
  /** Reads the bus, pool and socket gauges from these when scraped. */
  watch(sources: { database: ServiceDatabase; bus: Pick<EventTransport, 'registeredConsumers'>; webSockets?: WebSocketServer }): void;
}

const nothing = () => {};

/** Metrics off: every call is a no-op. */
export const NO_METRICS: ServiceMetrics = {
  registry: null,
  graphqlRequest: nothing,
  bus: { batchApplied: nothing, parked: nothing, relayed: nothing },
  reservationBatch: nothing,
  placeOrderWait: nothing,
  watch: nothing,
};

/** A subgraph's metrics: every subgraph's families, plus those of `own` (reservations for inventory, placeOrder waits for order). */
export function createServiceMetrics(own: ReadonlyArray<'inventory' | 'order'> = []): ServiceMetrics {
  const registry = createMetricsRegistry();
  const batchSizes = consumerBatchSizes(registry);
  const parked = parkedEventCounts(registry);
  const relayLags = outboxRelayLags(registry);
  return {
    registry,
    graphqlRequest: graphqlRequestDurations(registry),
    bus: { batchApplied: batchSizes, parked, relayed: relayLags },
    reservationBatch: own.includes('inventory') ? reservationBatches(registry) : nothing,
    placeOrderWait: own.includes('order') ? placeOrderWaits(registry) : nothing,
    watch({ database, bus, webSockets }) {
      consumerStates(registry, () => consumerHealth(database, bus.registeredConsumers()));
      outboxAge(registry, async () => {
        const [row] = await database.query<{ age: number | null }>('SELECT extract(epoch FROM clock_timestamp() - min(occurred_at))::float8 AS age FROM outbox');
        return row?.age ?? null;
      });
      poolStates(registry, () => poolStateOf(database));
      if (webSockets) subgraphWebSocketConnections(registry, () => webSockets.clients.size);
    },
  };
}

/** node-postgres's pool behind TypeORM's DataSource. */
function poolStateOf(database: ServiceDatabase): PoolState {
  const pool = (database.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  if (!pool) return { inUse: 0, idle: 0, waiting: 0 };
  return { inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
}
