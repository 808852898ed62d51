export { startSubgraph } from './subgraph-server.js';
export type { RequestContext, SubgraphOptions, RunningSubgraph } from './subgraph-server.js';
export { startService } from './service.js';
export type { ServiceDefinition, ServiceSettings, RunningService, ServiceRuntime } from './service.js';
export { serveGraphQL } from './http-graphql.js';
export type { HttpContextArgs } from './http-graphql.js';
export { MoneyScalar, centsToMoney, moneyToCents } from './money.js';
export { encodeCursor, decodeCursor, pageSize, toConnection } from './cursor.js';
export type { Connection } from './cursor.js';
