/**
 * Child process: the four subgraphs on one database, as `scripts/local-network.ts` starts them,
 * without a gateway. Answers `statements` with each service's running SQL statement count.
 */
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { createLogger } from '@distribution/logging';
import { startManufacturerService } from '@distribution/manufacturer';
import { startInventoryService } from '@distribution/inventory';
import { startOrderService } from '@distribution/order';
import { startAccountService } from '@distribution/account';
import { startTracing } from '@distribution/tracing';
import { benchKeys } from '../signing.js';
import { memoryNow, serveChild } from '../processes.js';

export interface SubgraphHostSettings {
  databaseUrl: string;
  eventPollIntervalMs: number;
  logLevel: string;
  ports: { manufacturer: number; inventory: number; order: number; account: number };
}

export interface SubgraphHostInfo {
  manufacturer: string;
  inventory: string;
  order: string;
  account: string;
  pid: number;
}

const settings = JSON.parse(process.env.BENCH_SUBGRAPHS ?? '{}') as SubgraphHostSettings;

await serveChild<SubgraphHostInfo>(async () => {
  // Traced when the run's environment says so (OTEL_TRACES_EXPORTER, bench/README.md "Tracing off and on").
  startTracing('subgraphs');
  const common = (name: keyof SubgraphHostSettings['ports']) => ({
    databaseUrl: settings.databaseUrl,
    port: settings.ports[name],
    internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
    logger: createLogger(name, settings.logLevel),
    eventPollIntervalMs: settings.eventPollIntervalMs,
  });
  const [manufacturer, inventory, order, account] = await Promise.all([
    startManufacturerService(common('manufacturer')),
    // Its round-period watch polls too (every 250 ms by default): as slow as the event pollers here
    // (the bench's rounds last a month), so that it stays out of the statement counts.
    startInventoryService({ ...common('inventory'), periodCheckIntervalMs: settings.eventPollIntervalMs }),
    startOrderService(common('order')),
    startAccountService({ ...common('account'), keys: await benchKeys() }),
  ]);
  const services = { manufacturer, inventory, order, account };
  return {
    info: { manufacturer: manufacturer.url, inventory: inventory.url, order: order.url, account: account.url, pid: process.pid },
    handlers: {
      statements: () => Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.database.statements.count])),
      memory: () => memoryNow(),
    },
    stop: async () => {
      await Promise.all([manufacturer.stop(), inventory.stop(), order.stop(), account.stop()]);
    },
  };
});
