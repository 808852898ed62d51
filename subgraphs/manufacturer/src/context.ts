/** What the manufacturer's resolvers get per request. */
import type { ServiceDatabase } from '@distribution/db';
import type { RequestContext, ServiceRuntime } from '@distribution/server';
import { createLoaders, type Loaders } from './loaders.js';

export interface ManufacturerContext extends RequestContext {
  database: ServiceDatabase;
  loaders: Loaders;
}

/** Fresh loaders per request (and per subscription event), so cached values never go stale. */
export function createContext(base: RequestContext, runtime: ServiceRuntime): ManufacturerContext {
  return { ...base, database: runtime.database, loaders: createLoaders(runtime.database) };
}
