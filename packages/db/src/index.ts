export { openServiceDatabase, migrate, StatementCounter, returnedRows } from './database.js';
export type { ServiceDatabase, ServiceDatabaseOptions, EntityManager, MigrationInterface } from './database.js';
export { startEmbeddedPostgres, freePort } from './embedded.js';
export type { EmbeddedPostgresHandle } from './embedded.js';
export { locateDatabase, withDatabaseName, EMBEDDED_DATA_DIR, EMBEDDED_DEFAULT_PORT } from './url.js';
export type { DatabaseLocation } from './url.js';
export { runTogether } from './statement.js';
export { DatabaseInUseError } from './earlier-run.js';
export type { StatementPart } from './statement.js';
