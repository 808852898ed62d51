/** Public surface of the manufacturer subgraph. */
import { startService, type RunningService, type ServiceSettings } from '@distribution/server';
import { manufacturerService } from './subgraph.js';

export { manufacturerService };
export { SETTLEMENT_CONSUMER } from './events/round-closed.js';

/** Starts the manufacturer subgraph (used by main.ts, the root start script and the tests). */
export function startManufacturerService(settings: ServiceSettings): Promise<RunningService> {
  return startService(manufacturerService, settings);
}
