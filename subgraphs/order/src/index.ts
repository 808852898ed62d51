/** The order service: its definition, and a helper that starts it (tests, the root start script). */
import { startService, type RunningService, type ServiceSettings } from '@distribution/server';
import { createOrderService } from './subgraph.js';

export { createOrderService, typeDefs, ORDER_SCHEMA, DEFAULT_RESOLUTION_TIMEOUT_MS } from './subgraph.js';
export type { OrderContext, OrderSettings } from './context.js';

export const DEFAULT_PLACE_ORDER_WAIT_MS = 5000;

export function startOrderService(settings: ServiceSettings & { placeOrderWaitMs?: number; resolutionTimeoutMs?: number }): Promise<RunningService> {
  const { placeOrderWaitMs = DEFAULT_PLACE_ORDER_WAIT_MS, resolutionTimeoutMs, ...service } = settings;
  return startService(createOrderService({ placeOrderWaitMs, resolutionTimeoutMs }), service);
}
