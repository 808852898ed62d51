/** What inventory's resolvers get per request. */
import type { ServiceDatabase } from '@distribution/db';
import type { RequestContext, ServiceRuntime } from '@distribution/server';
import { createLoaders, type Loaders } from './loaders.js';
import { liveFeedOf, type InventoryLiveFeed } from './live/live-feed.js';
import type { InventoryDeps } from './settings.js';

export interface InventoryContext extends RequestContext {
  database: ServiceDatabase;
  deps: InventoryDeps;
  loaders: Loaders;
  /** The process's live feed (subscriptions). */
  live: InventoryLiveFeed;
  /** Fresh loaders (a subscription's context outlives one event; cached rows would go stale). */
  refreshLoaders(): void;
}

/** Fresh loaders per request, so cached values never go stale; the service logger carries the request id. */
export function createContext(base: RequestContext, runtime: ServiceRuntime, deps: InventoryDeps): InventoryContext {
  const context: InventoryContext = {
    ...base,
    database: runtime.database,
    deps: { ...deps, logger: base.logger },
    loaders: createLoaders(runtime.database, deps.defaultThreshold),
    live: liveFeedOf(runtime, deps.defaultThreshold),
    refreshLoaders: () => {
      context.loaders = createLoaders(runtime.database, deps.defaultThreshold);
    },
  };
  return context;
}
