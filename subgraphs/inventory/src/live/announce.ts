/**
 * Called next to every `recordEvents` of inventory, inside the same transaction: the NOTIFYs are
 * delivered when (and only if) it commits, in commit order, to every replica's LISTEN.
 */
import type { NewEvent } from '@distribution/events';
import { runTogether, type Sql, type StatementPart } from '@distribution/db';
import { LIVE_CHANNEL, liveNotificationsOf } from './notifications.js';

/** The live NOTIFYs of `events`, as the SELECT of a statement that may also write. */
export function liveAnnouncements(events: readonly NewEvent[]): StatementPart {
  const payloads = liveNotificationsOf(events, new Date());
  return {
    // One expression however many payloads; a function scan yields them (and so notifies) in array order.
    build: (n) =>
      payloads.length === 0 ? { params: [] } : { select: `(SELECT count(pg_notify('${LIVE_CHANNEL}', payload)) FROM unnest($${n}::text[]) AS payload)`, params: [payloads] },
  };
}

export async function announceLive(sql: Sql, events: readonly NewEvent[]): Promise<void> {
  await runTogether(sql, [liveAnnouncements(events)]);
}
