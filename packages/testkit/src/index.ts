export { createTestDatabase, eventually } from './database.js';
export { graphqlClient } from './graphql-client.js';
export type { GraphQLResponse, GraphQLRequest } from './graphql-client.js';
