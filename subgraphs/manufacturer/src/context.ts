/** What the manufacturer's resolvers get per request. */
import type { ServiceDatabase } from '@distribution/db';
import type { RequestContext, ServiceRuntime } from '@distribution/server';
import { createLoaders, type Loaders } from './loaders.js';
import { noticeFeedOf, type NoticeFeed } from './live/notice-feed.js';

export interface ManufacturerContext extends RequestContext {
  database: ServiceDatabase;
  loaders: Loaders;
  /** The process's notice feed (subscriptions). */
  live: NoticeFeed;
  /** Fresh loaders (a subscription's context outlives one event; cached rows would go stale). */
  refreshLoaders(): void;
}

/** Fresh loaders per request (and per subscription event), so cached values never go stale. */
export function createContext(base: RequestContext, runtime: ServiceRuntime): ManufacturerContext {
  const context: ManufacturerContext = {
    ...base,
    database: runtime.database,
    loaders: createLoaders(runtime.database),
    live: noticeFeedOf(runtime),
    refreshLoaders: () => {
      context.loaders = createLoaders(runtime.database);
    },
  };
  return context;
}
