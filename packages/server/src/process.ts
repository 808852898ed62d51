/** Running a service as an operating-system process: configuration, database, signals. */
import { ConfigError } from '@distribution/config';
import { locateDatabase, type DatabaseLocation } from '@distribution/db';
import { createLogger, type Logger } from '@distribution/logging';
import { startTracing } from '@distribution/tracing';

/**
 * Calls `stop` once on SIGINT or SIGTERM, then exits. Repeated signals are ignored: Ctrl-C reaches
 * npm, tsx and node alike and tsx relays it again, so a "second signal means now" rule would cut
 * every shutdown short. A stop that hangs is ended after `graceMs`.
 */
export function stopOnSignals(stop: () => Promise<void>, { logger, graceMs = 15_000 }: { logger: Logger; graceMs?: number }): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error({ graceMs }, 'stop took too long; exiting');
      process.exit(1);
    }, graceMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  // Other listeners stay: tsx's tells its parent process that this one heard the signal (when no
  // one does, tsx sends it again and then SIGKILL: no stop would finish), and the embedded
  // Postgres's stands back while someone else handles the signal.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
}

export interface ServiceProcessOptions<C extends { logLevel: string; databaseUrl?: string }> {
  name: string;
  loadConfig: (env: NodeJS.ProcessEnv) => C;
  /** Starts the service; `databaseUrl` is DATABASE_URL or the embedded server's. */
  start: (config: C, runtime: { databaseUrl: string; logger: Logger }) => Promise<{ url: string; stop(): Promise<void> }>;
  /** False for the gateway, which has no database. */
  usesDatabase?: boolean;
}

/** The whole life of one service process: a bad configuration exits 2 with every problem named. */
export async function runServiceProcess<C extends { logLevel: string; databaseUrl?: string }>(options: ServiceProcessOptions<C>): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = createLogger(options.name, config.logLevel);
  let database: DatabaseLocation | null = null;
  let tracing: ReturnType<typeof startTracing> = null;
  try {
    // Off unless OTEL_TRACES_EXPORTER names an exporter (@distribution/tracing).
    tracing = startTracing(options.name);
    if (options.usesDatabase !== false) {
      database = await locateDatabase(
        { ...process.env, DATABASE_URL: config.databaseUrl },
        (m) => logger.debug({ postgres: m }),
        (line) => logger.warn(line),
      );
      if (database.embedded) logger.warn('DATABASE_URL is not set: using the embedded development Postgres');
    }
    const service = await options.start(config, { databaseUrl: database?.url ?? '', logger });
    logger.info({ url: service.url }, `${options.name} ready at ${service.url}`);
    stopOnSignals(
      async () => {
        await service.stop();
        await tracing?.stop();
        await database?.embedded?.stop();
      },
      { logger },
    );
  } catch (error) {
    logger.fatal({ err: error }, `${options.name} failed to start`);
    await database?.embedded?.stop().catch(() => {});
    process.exit(1);
  }
}
