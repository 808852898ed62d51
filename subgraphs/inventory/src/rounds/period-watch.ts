/** Background work: closes a round when its period has ended (every replica watches; one closes). */
import type { ServiceDatabase } from '@distribution/db';
import { closeRoundIfPeriodEnded } from './close-round.js';
import type { InventoryDeps } from '../settings.js';

/** Starts watching; returns the function that stops it (waiting for a close in progress). */
export function startPeriodWatch(database: ServiceDatabase, deps: InventoryDeps): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      await closeRoundIfPeriodEnded(database, deps);
    } catch (error) {
      deps.logger.error({ err: error }, 'closing the round at the end of its period failed; will try again');
    } finally {
      if (!stopped) timer = setTimeout(run, deps.periodCheckIntervalMs);
    }
  };
  const run = () => { current = tick(); };
  run();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current;
  };
}
