/**
 * Everything a subgraph process does around its own schema and resolvers: open its database,
 * migrate, start the event bus with its consumers, serve GraphQL, and stop in reverse order.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { openServiceDatabase, migrate, type DatabaseTimeouts, type ServiceDatabase, type MigrationInterface } from '@distribution/db';
import { EventBus, NatsEventBus, PostgresListener, type EventTransport } from '@distribution/events';
import type { EventTransportSettings } from '@distribution/config';
import type { Logger } from '@distribution/logging';
import { startSubgraph, type RequestContext, type SubgraphOptions } from './subgraph-server.js';
import { busConsoleResolvers, withBusConsole } from './bus-console/resolvers.js';

/** What a service's own code gets to work with. */
export interface ServiceRuntime {
  database: ServiceDatabase;
  bus: EventTransport;
  /** Shared LISTEN connection (NOTIFY wake-ups, live updates). */
  listener: PostgresListener;
  logger: Logger;
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
}

export interface RunningService extends ServiceRuntime {
  url: string;
  port: number;
  schema: GraphQLSchema;
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
  const bus = openEventBus(database, listener, settings);
  const runtime: ServiceRuntime = { database, bus, listener, logger };
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
    isReady: async () => {
      if (!accepting) return false;
      await database.query('SELECT 1');
      return true;
    },
  });
  const stopBackground = (await definition.startBackgroundWork?.(runtime)) ?? (async () => {});

  let stopping: Promise<void> | null = null;
  return {
    ...runtime,
    url: server.url,
    port: server.port,
    schema,
    stop: () =>
      (stopping ??= (async () => {
        accepting = false;
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
function openEventBus(database: ServiceDatabase, listener: PostgresListener, settings: ServiceSettings): EventTransport {
  const common = { database, logger: settings.logger, listener, batchSize: settings.eventBatchSize, pollIntervalMs: settings.eventPollIntervalMs };
  const transport = settings.eventTransport ?? { name: 'postgres' };
  if (transport.name === 'postgres') return new EventBus(common);
  return new NatsEventBus({ ...common, natsUrl: transport.natsUrl, partitions: transport.partitions, stream: transport.stream, subjectRoot: transport.subjectRoot });
}
