/** One service's connection to its own Postgres schema, with migrations and a statement counter. */
import 'reflect-metadata';
import { DataSource, type Logger as TypeOrmLogger, type MigrationInterface, type EntityManager, type MixedList, type EntitySchema } from 'typeorm';
import pg from 'pg';
import type { Sql } from './sql.js';

export type { EntityManager, MigrationInterface };

/** Every wait on Postgres has a bound: a statement, a transaction left open, getting a connection. */
export interface DatabaseTimeouts {
  /** Longest a statement may run, lock waits included (Postgres statement_timeout). */
  statementMs: number;
  /** Longest a transaction may sit open doing nothing (idle_in_transaction_session_timeout): its locks are freed then. */
  idleInTransactionMs: number;
  /** Longest to wait for a connection: opening one, or a free one from the pool (pg connectionTimeoutMillis). */
  connectMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { statementMs: 15_000, idleInTransactionMs: 30_000, connectMs: 10_000 };

/** A replica waits this long for another that is migrating the same schema, then gives up starting. */
const MIGRATION_LOCK_WAIT_MS = 120_000;

/**
 * The node-postgres settings that apply `timeouts` to a connection, and TCP keepalive, so that a
 * connection whose server silently went away is found out rather than waited on for ever. The LISTEN
 * connection takes them too: it is never inside a transaction, so the idle bound never ends it.
 */
export function connectionSettings(timeouts: Partial<DatabaseTimeouts> = {}) {
  const defaults = DEFAULT_DATABASE_TIMEOUTS;
  return {
    statement_timeout: timeouts.statementMs ?? defaults.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs ?? defaults.idleInTransactionMs,
    connectionTimeoutMillis: timeouts.connectMs ?? defaults.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

export interface ServiceDatabaseOptions {
  url: string;
  /** The schema this service owns; every unqualified name resolves there. */
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  /** The service's entities (its tables; the migrations create them, the entities type them). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  entities?: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
  /** Log every statement (debugging). */
  logStatements?: boolean;
  /** DEFAULT_DATABASE_TIMEOUTS for what is not given. */
  timeouts?: Partial<DatabaseTimeouts>;
}

/** Counts SQL statements so tests and benchmarks can prove there is no N+1. */
export class StatementCounter implements TypeOrmLogger {
  count = 0;
  constructor(private readonly print = false) {}
  logQuery(query: string) {
    this.count += 1;
    if (this.print) process.stderr.write(`[sql] ${query}\n`);
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** The pool as an `Sql` (autocommit), plus transactions and what the service's kit needs. */
export interface ServiceDatabase extends Sql {
  dataSource: DataSource;
  schema: string;
  url: string;
  timeouts: Partial<DatabaseTimeouts>;
  statements: StatementCounter;
  /** Runs `work` in one transaction (READ COMMITTED) and commits unless it throws. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** As `Sql.query`; untyped rows by default for scripts, tests and the bench (data access states its Row through `Sql`). */
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Connects with `search_path` set to the service's schema, creating the schema if needed. */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<ServiceDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`Bad schema name ${options.schema}`);
  const statements = new StatementCounter(options.logStatements);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: options.migrations,
    entities: options.entities ?? [],
    // The migrations own the schema: no extension is installed behind them, and uuids come from gen_random_uuid().
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['query'],
    logger: statements,
    poolSize: options.poolSize ?? 20,
    extra: { ...connectionSettings(options.timeouts), options: `-c search_path=${options.schema},public`, application_name: options.schema },
  });
  await ensureSchema(options.url, options.schema, options.timeouts);
  await dataSource.initialize();
  return {
    dataSource,
    schema: options.schema,
    url: options.url,
    timeouts: options.timeouts ?? {},
    statements,
    transaction: (work) => dataSource.transaction(work),
    manager: dataSource.manager,
    query: async <Row>(sql: string, params?: unknown[]) => returnedRows<Row>(await dataSource.query(sql, params)),
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

async function ensureSchema(url: string, schema: string, timeouts?: Partial<DatabaseTimeouts>) {
  const client = new pg.Client({ connectionString: url, ...connectionSettings(timeouts) });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    // Two replicas racing to create the schema: the loser sees a unique violation, which is fine.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations while holding an advisory lock named after the schema, so that
 * replicas starting together never run the same migration twice.
 */
export async function migrate(database: ServiceDatabase): Promise<string[]> {
  const lock = new pg.Client({ connectionString: database.url, ...connectionSettings({ ...database.timeouts, statementMs: MIGRATION_LOCK_WAIT_MS }) });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${database.schema}`]);
    const applied = await database.dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${database.schema}`]).catch(() => {});
    await lock.end();
  }
}

/**
 * TypeORM answers `UPDATE/DELETE ... RETURNING` with `[rows, affectedCount]` on Postgres but
 * plain SELECT/INSERT with `rows`: this gives the rows either way.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
