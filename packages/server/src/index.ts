export { startSubgraph } from './subgraph-server.js';
export type { RequestContext, SubgraphOptions, RunningSubgraph } from './subgraph-server.js';
export { serveGraphQL } from './http-graphql.js';
export type { HttpContextArgs } from './http-graphql.js';
