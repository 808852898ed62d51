export { createTestDatabase, eventually } from './database.js';
export { graphqlClient } from './graphql-client.js';
export type { GraphQLResponse, GraphQLRequest } from './graphql-client.js';
export { liveClient, LiveWatch } from './live-client.js';
export type { LiveClient, LiveMessage } from './live-client.js';
export { duringListenOutage } from './listen-outage.js';
export { schemaDrift } from './schema-drift.js';
export { startTestIssuer } from './test-issuer.js';
export type { TestIssuer } from './test-issuer.js';
