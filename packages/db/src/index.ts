export { openServiceDatabase, migrate, StatementCounter, returnedRows, connectionSettings, DEFAULT_DATABASE_TIMEOUTS } from './database.js';
export type { ServiceDatabase, ServiceDatabaseOptions, EntityManager, MigrationInterface, DatabaseTimeouts } from './database.js';
export { startEmbeddedPostgres, freePort } from './embedded.js';
export type { EmbeddedPostgresHandle } from './embedded.js';
export { locateDatabase, withDatabaseName, EMBEDDED_DATA_DIR, EMBEDDED_DEFAULT_PORT } from './url.js';
export type { DatabaseLocation } from './url.js';
export { runTogether } from './statement.js';
export type { StatementPart } from './statement.js';
