/**
 * Called next to every `recordEvents` of inventory, inside the same transaction: the NOTIFYs are
 * delivered when (and only if) it commits, in commit order, to every replica's LISTEN.
 */
import type { NewEvent } from '@distribution/events';
import type { Sql } from '../db/sql.js';
import { LIVE_CHANNEL, liveNotificationsOf } from './notifications.js';

export async function announceLive(sql: Sql, events: readonly NewEvent[]): Promise<void> {
  const payloads = liveNotificationsOf(events, new Date());
  if (payloads.length === 0) return;
  // One statement however many payloads; a function scan yields them (and so notifies) in array order.
  await sql.query(`SELECT pg_notify('${LIVE_CHANNEL}', payload) FROM unnest($1::text[]) AS payload`, [payloads]);
}
