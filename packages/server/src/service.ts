/**
 * Everything a subgraph process does around its own schema and resolvers: open its database,
 * migrate, start the event bus with its consumers, serve GraphQL, and stop in reverse order.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { openServiceDatabase, migrate, type DatabaseTimeouts, type ServiceDatabase, type MigrationInterface } from '@distribution/db';
import { EventBus, NatsEventBus, PostgresListener, type BusObserver, type EventTransport } from '@distribution/events';
import type { EventTransportSettings } from '@distribution/config';
import type { Logger } from '@distribution/logging';
import { startSubgraph, type RequestContext, type SubgraphOptions } from './subgraph-server.js';
import { busConsoleResolvers, withBusConsole } from './bus-console/resolvers.js';
import { createServiceMetrics, NO_METRICS, type ServiceMetrics } from './metrics/service-metrics.js';
import { startMetricsServer, type RunningMetricsServer } from './metrics-server.js';

/** What a service's own code gets to work with. */
export interface ServiceRuntime {
  database: ServiceDatabase;
  bus: EventTransport;
  /** Shared LISTEN connection (NOTIFY wake-ups, live updates). */
  listener: PostgresListener;
  logger: Logger;
  /** This service's metrics (no-ops when they are off). */
  metrics: ServiceMetrics;
}

export interface ServiceDefinition<C extends RequestContext> {
  /** Service name; also its Postgres schema. */
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<any>;
  migrations: Array<new () => MigrationInterface>;
  /** Its tables as TypeORM entities (the event tables' included), registered on its DataSource. */
  entities?: Array<new () => object>;
  /** Registers this service's event consumers on the bus. */
  registerConsumers?: (bus: EventTransport, runtime: ServiceRuntime) => void;
  createContext: (base: RequestContext, runtime: ServiceRuntime) => C;
  /**
   * The word naming this service's bus console fields (`inventory`: inventoryBus,
   * retryParkedInventoryEvent, ...); its schema.graphql must then contain busConsoleSdl(word).
   */
  busConsole?: string;
  /** GET paths served to anyone, beside /graphql (which only the gateway may call). */
  publicRoutes?: SubgraphOptions<C>['publicRoutes'];
  /** Metric families of its own, beyond every subgraph's (catalog.ts `exportedBy`). */
  ownMetrics?: ReadonlyArray<'inventory' | 'order'>;
  /** Background work started after the server is up (timers); returns its stop function. */
  startBackgroundWork?: (runtime: ServiceRuntime) => Promise<() => Promise<void>> | (() => Promise<void>);
}

export interface ServiceSettings {
  databaseUrl: string;
  port: number;
  internalCredential: string;
  logger: Logger;
  eventBatchSize?: number;
  eventPollIntervalMs?: number;
  /** Which transport carries events (EVENT_TRANSPORT); the Postgres bus when unset. */
  eventTransport?: EventTransportSettings;
  /** Statement, idle-in-transaction and connection bounds (DEFAULT_DATABASE_TIMEOUTS for what is not given). */
  databaseTimeouts?: Partial<DatabaseTimeouts>;
  /** Deepest operation accepted (see depth-limit.ts). */
  maxDepth?: number;
  /** Port of this service's metrics server (0: a free one); null or unset: no metrics at all. */
  metricsPort?: number | null;
}

export interface RunningService extends ServiceRuntime {
  url: string;
  port: number;
  schema: GraphQLSchema;
  /** Where Prometheus scrapes this service; undefined when metrics are off. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export async function startService<C extends RequestContext>(definition: ServiceDefinition<C>, settings: ServiceSettings): Promise<RunningService> {
  const { logger } = settings;
  const database = await openServiceDatabase({
    url: settings.databaseUrl,
    schema: definition.name,
    migrations: definition.migrations,
    entities: definition.entities,
    timeouts: settings.databaseTimeouts,
  });
  const applied = await migrate(database);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const listener = new PostgresListener(settings.databaseUrl, (e) => logger.warn({ err: e }, 'LISTEN connection lost; reconnecting'), settings.databaseTimeouts);
  const metrics = settings.metricsPort == null ? NO_METRICS : createServiceMetrics(definition.ownMetrics);
  const bus = openEventBus(database, listener, settings, metrics.bus);
  const runtime: ServiceRuntime = { database, bus, listener, logger, metrics };
  definition.registerConsumers?.(bus, runtime);
  await bus.start();

  const resolvers = definition.busConsole ? withBusConsole(definition.resolvers, busConsoleResolvers(definition.busConsole, runtime)) : definition.resolvers;
  const schema = buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers });
  let accepting = true;
  const server = await startSubgraph<C>({
    name: definition.name,
    schema,
    port: settings.port,
    internalCredential: settings.internalCredential,
    logger,
    maxDepth: settings.maxDepth,
    createContext: (base) => definition.createContext(base, runtime),
    publicRoutes: definition.publicRoutes,
    observeRequest: metrics.registry ? metrics.graphqlRequest : undefined,
    isReady: async () => {
      // The event listener too: without its LISTEN connection, events and order outcomes wait for the next poll.
      if (!accepting || !listener.listening) return false;
      await database.query('SELECT 1');
      return true;
    },
  });
  const stopBackground = (await definition.startBackgroundWork?.(runtime)) ?? (async () => {});
  let metricsServer: RunningMetricsServer | undefined;
  if (metrics.registry) {
    metrics.watch({ database, bus, webSockets: server.webSockets });
    metricsServer = await startMetricsServer({ port: settings.metricsPort ?? 0, registry: metrics.registry });
  }

  let stopping: Promise<void> | null = null;
  return {
    ...runtime,
    url: server.url,
    port: server.port,
    schema,
    metricsUrl: metricsServer?.url,
    stop: () =>
      (stopping ??= (async () => {
        accepting = false;
        await metricsServer?.stop();
        await stopBackground();
        await server.stop();
        await bus.stop();
        await listener.stop();
        await database.close();
        logger.info(`${definition.name} stopped`);
      })()),
  };
}

/** The bus of the transport the settings name: the Postgres bus unless EVENT_TRANSPORT=nats. */
function openEventBus(database: ServiceDatabase, listener: PostgresListener, settings: ServiceSettings, observer: BusObserver | undefined): EventTransport {
  const common = { database, logger: settings.logger, listener, batchSize: settings.eventBatchSize, pollIntervalMs: settings.eventPollIntervalMs };
  const transport = settings.eventTransport ?? { name: 'postgres' };
  // The bus metrics observe the Postgres bus; the JetStream transport reports none yet.
  if (transport.name === 'postgres') return new EventBus({ ...common, observer });
  return new NatsEventBus({ ...common, natsUrl: transport.natsUrl, partitions: transport.partitions, stream: transport.stream, subjectRoot: transport.subjectRoot });
}

/** The settings every service reads the same way from its config; a service's main adds its own. */
export function commonServiceSettings(
  config: Omit<ServiceSettings, 'databaseUrl' | 'logger' | 'maxDepth'>,
  { databaseUrl, logger }: { databaseUrl: string; logger: Logger },
): ServiceSettings {
  const { port, metricsPort, internalCredential, eventBatchSize, eventPollIntervalMs, eventTransport, databaseTimeouts } = config;
  return { databaseUrl, logger, port, metricsPort, internalCredential, eventBatchSize, eventPollIntervalMs, eventTransport, databaseTimeouts };
}
