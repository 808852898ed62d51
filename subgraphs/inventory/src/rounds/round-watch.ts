/**
 * Background work: closes the open round when its period has ended or every unit of it is promised,
 * and opens the next one when the schedule (ROUND_SCHEDULE) says so and the last is settled.
 * Every replica watches; the exclusive round lock lets one close, and one open. The period is polled; depletion is
 * looked for when a reservation batch that may have taken the last unit wakes the watch at its commit
 * (NOTIFY), and after LISTEN was lost and is back (a wake-up may have gone missing).
 *
 * Why depletion is not closed inside the batch that takes the last unit: a batch holds the round
 * lock only shared, so other batches and production read the round as open for their whole
 * transaction. Closing it under them let a racing batch reserve, or production add units, in a round
 * that had just closed (test/lock-contention.test.ts). The exclusive lock waits for them instead.
 */
import type { ServiceDatabase, Sql } from '@distribution/db';
import type { PostgresListener } from '@distribution/events';
import { closeRoundIfDepleted, closeRoundIfPeriodEnded } from './close-round.js';
import { openRoundIfScheduled } from './open-round.js';
import type { InventoryDeps } from '../settings.js';

/** The channel a batch NOTIFYs when the round may be depleted. */
export const ROUND_WATCH_CHANNEL = 'inventory_round_watch';

/** Wakes the round watch when the caller's transaction commits. */
export async function wakeRoundWatch(sql: Sql): Promise<void> {
  await sql.query("SELECT pg_notify($1, '')", [ROUND_WATCH_CHANNEL]);
}

/** Starts watching; returns the function that stops it (waiting for a close in progress). */
export async function startRoundWatch(database: ServiceDatabase, listener: PostgresListener, deps: InventoryDeps): Promise<() => Promise<void>> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  // Depletion is looked for when a batch asks (or LISTEN was lost meanwhile), not on every poll.
  let depletionAsked = true;
  const tick = async () => {
    try {
      await closeRoundIfPeriodEnded(database, deps);
      if (depletionAsked) {
        depletionAsked = false;
        await closeRoundIfDepleted(database, deps);
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'closing the round (period ended or depleted) failed; will try again');
    }
    try {
      // Polled like the period: a settlement that completes the last round is seen within one interval.
      await openRoundIfScheduled(database, deps);
    } catch (error) {
      deps.logger.error({ err: error }, 'opening the scheduled round failed; will try again');
    }
  };
  // One tick at a time; a wake-up during a tick runs one more right after it.
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    running = tick().finally(() => {
      running = null;
      if (stopped) return;
      if (again) {
        again = false;
        run();
      } else {
        timer = setTimeout(run, deps.periodCheckIntervalMs);
      }
    });
  };
  const wake = (): void => {
    depletionAsked = true;
    run();
  };
  const unlisten = await listener.listen(ROUND_WATCH_CHANNEL, wake, { onResumed: wake });
  run();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await unlisten();
    await running;
  };
}
