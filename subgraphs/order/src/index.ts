/** The order service: its definition, and a helper that starts it (tests, the root start script). */
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { startService, type RunningService, type ServiceSettings } from '@distribution/server';
import { createOrderService } from './subgraph.js';

export { createOrderService, typeDefs, ORDER_SCHEMA, DEFAULT_RESOLUTION_TIMEOUT_MS } from './subgraph.js';
export type { OrderContext, OrderSettings } from './context.js';

export const DEFAULT_PLACE_ORDER_WAIT_MS = 5000;

/**
 * The definition with development settings, for composition and tooling. A running service gets
 * its configured secret through startOrderService (main.ts), never this one.
 */
export const orderService = createOrderService({ jwtSecret: DEVELOPMENT_DEFAULTS.jwtSecret, placeOrderWaitMs: DEFAULT_PLACE_ORDER_WAIT_MS });

export function startOrderService(settings: ServiceSettings & { jwtSecret: string; placeOrderWaitMs?: number; resolutionTimeoutMs?: number }): Promise<RunningService> {
  const { jwtSecret, placeOrderWaitMs = DEFAULT_PLACE_ORDER_WAIT_MS, resolutionTimeoutMs, ...service } = settings;
  return startService(createOrderService({ jwtSecret, placeOrderWaitMs, resolutionTimeoutMs }), service);
}
