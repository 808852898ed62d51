/**
 * The whole network in one process: three subgraphs and the gateway on one database.
 * Used by `npm start` and by the end-to-end tests (with port 0 everywhere).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '@distribution/logging';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { startManufacturerService } from '@distribution/manufacturer';
import { startInventoryService } from '@distribution/inventory';
import { startOrderService } from '@distribution/order';
import { startGateway, type OperationLimits } from '@distribution/gateway';
import type { RunningService } from '@distribution/server';

export const SUPERGRAPH_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../gateway/supergraph.graphql');

export interface LocalNetworkOptions {
  databaseUrl: string;
  /** 0 everywhere picks free ports (tests). */
  ports?: { gateway: number; manufacturer: number; inventory: number; order: number };
  jwtSecret?: string;
  internalCredential?: string;
  roundPeriod?: string;
  lowStockThreshold?: number;
  placeOrderWaitMs?: number;
  eventPollIntervalMs?: number;
  eventBatchSize?: number;
  logLevel?: string;
  /** The gateway's operation limits (tests lower them); unset ones keep their defaults. */
  operationLimits?: Partial<OperationLimits>;
  /** The gateway behaves as with NODE_ENV=production: no introspection, no schema hints in errors. */
  production?: boolean;
}

export interface LocalNetwork {
  gatewayUrl: string;
  services: { manufacturer: RunningService; inventory: RunningService; order: RunningService };
  jwtSecret: string;
  stop(): Promise<void>;
}

export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const ports = options.ports ?? { gateway: 0, manufacturer: 0, inventory: 0, order: 0 };
  const jwtSecret = options.jwtSecret ?? DEVELOPMENT_DEFAULTS.jwtSecret;
  const internalCredential = options.internalCredential ?? DEVELOPMENT_DEFAULTS.internalCredential;
  const logger = (name: string): Logger => createLogger(name, options.logLevel);
  const common = (name: string, port: number) => ({
    databaseUrl: options.databaseUrl,
    port,
    internalCredential,
    logger: logger(name),
    eventBatchSize: options.eventBatchSize,
    eventPollIntervalMs: options.eventPollIntervalMs,
  });
  // Subgraphs first (in parallel: they own separate schemas), then the gateway in front of them.
  const [manufacturer, inventory, order] = await Promise.all([
    startManufacturerService(common('manufacturer', ports.manufacturer)),
    startInventoryService({ ...common('inventory', ports.inventory), roundPeriod: options.roundPeriod, lowStockThreshold: options.lowStockThreshold }),
    startOrderService({ ...common('order', ports.order), jwtSecret, placeOrderWaitMs: options.placeOrderWaitMs }),
  ]);
  const gateway = await startGateway({
    port: ports.gateway,
    jwtSecret,
    internalCredential,
    manufacturerUrl: manufacturer.url,
    inventoryUrl: inventory.url,
    orderUrl: order.url,
    supergraphPath: SUPERGRAPH_PATH,
    maxConnections: 10_000,
    maxSubscriptionsPerConnection: 50,
    operationLimits: options.operationLimits,
  }, { logger: logger('gateway'), production: options.production });

  let stopping: Promise<void> | null = null;
  return {
    gatewayUrl: gateway.url,
    services: { manufacturer, inventory, order },
    jwtSecret,
    stop: () => (stopping ??= (async () => {
      await gateway.stop();
      await Promise.all([manufacturer.stop(), inventory.stop(), order.stop()]);
    })()),
  };
}
