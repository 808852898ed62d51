/** What the order service's resolvers work with, per request. */
import type { ServiceDatabase } from '@distribution/db';
import type { RequestContext, ServiceRuntime } from '@distribution/server';
import type { ServiceMetrics } from '@distribution/server/metrics';
import { createLoaders, type OrderLoaders } from './loaders.js';
import { OrderSignals } from './events/order-signals.js';

export interface OrderSettings {
  /** How long placeOrder, cancelOrder and changeOrderLine wait for inventory's answer. */
  placeOrderWaitMs: number;
  /** An order waiting longer than this for inventory is asked about (resolution/overdue-watch.ts). */
  resolutionTimeoutMs?: number;
}

export interface OrderContext extends RequestContext {
  database: ServiceDatabase;
  loaders: OrderLoaders;
  signals: OrderSignals;
  settings: OrderSettings;
  /** Where placeOrder's waits are timed (no-ops when metrics are off). */
  metrics: Pick<ServiceMetrics, 'placeOrderWait'>;
  /** Fresh loaders (a subscription's context outlives one event; cached rows would go stale). */
  refreshLoaders(): void;
}

// One LISTEN-backed signal hub per running service (keyed by its runtime, so two services in one process stay apart).
const signalsByRuntime = new WeakMap<ServiceRuntime, OrderSignals>();

export function signalsOf(runtime: ServiceRuntime): OrderSignals {
  let signals = signalsByRuntime.get(runtime);
  if (!signals) signalsByRuntime.set(runtime, (signals = new OrderSignals(runtime.listener, runtime.logger)));
  return signals;
}

export function createOrderContext(base: RequestContext, runtime: ServiceRuntime, settings: OrderSettings): OrderContext {
  const context: OrderContext = {
    ...base,
    database: runtime.database,
    loaders: createLoaders(runtime.database),
    signals: signalsOf(runtime),
    settings,
    metrics: runtime.metrics,
    refreshLoaders: () => {
      context.loaders = createLoaders(runtime.database);
    },
  };
  return context;
}
