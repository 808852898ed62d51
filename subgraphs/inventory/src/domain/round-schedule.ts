/**
 * When the next distribution round opens by itself (ROUND_SCHEDULE). Pure: the round watch asks
 * these rules with the latest round and the database's clock, under the exclusive round lock.
 *
 * - `monthly`: at 00:00 UTC on the first day of every month (the seed business's monthly retrieval).
 * - an ISO-8601 duration (`PT30S` for a demo, `P1W`): that long after the last round opened.
 * - `manual`: never by itself; only an operator opens rounds.
 *
 * Either way the next round opens only once the last one is SETTLED (no unit is ever sold twice):
 * a round still open or waiting for settlements when its successor is due delays it, and the
 * successor then opens as soon as it settles. The schedule never opens the first round (an
 * operator, or `npm start`'s sample data, does), so an empty catalog is not pulled into a round.
 */
import { addDuration, InvalidDuration, isZeroDuration, parseDuration, type Duration } from './duration.js';
import type { RoundStatus } from './rounds.js';

export type RoundSchedule = { kind: 'MANUAL' } | { kind: 'MONTHLY' } | { kind: 'EVERY'; interval: Duration };

/** ROUND_SCHEDULE is none of `manual`, `monthly` or an ISO-8601 duration longer than zero. */
export class InvalidRoundSchedule extends Error {
  constructor(text: string, why: string) {
    super(`"${text}" is not a round schedule (monthly, manual, or an ISO-8601 duration like PT30S): ${why}`);
    this.name = 'InvalidRoundSchedule';
  }
}

/** Reads `manual`, `monthly` or an ISO-8601 duration (case of the words ignored); throws InvalidRoundSchedule. */
export function parseRoundSchedule(text: string): RoundSchedule {
  const word = String(text).trim().toLowerCase();
  if (word === 'manual') return { kind: 'MANUAL' };
  if (word === 'monthly') return { kind: 'MONTHLY' };
  let interval: Duration;
  try {
    interval = parseDuration(String(text).trim());
  } catch (error) {
    if (error instanceof InvalidDuration) throw new InvalidRoundSchedule(text, 'it is neither word nor a duration');
    throw error;
  }
  if (isZeroDuration(interval)) throw new InvalidRoundSchedule(text, 'the interval must be longer than zero');
  return { kind: 'EVERY', interval };
}

/** The schedule's opening after a round that opened at `openedAt`; null when rounds open by hand only. */
export function openingAfter(schedule: RoundSchedule, openedAt: Date): Date | null {
  switch (schedule.kind) {
    case 'MANUAL':
      return null;
    case 'MONTHLY':
      return new Date(Date.UTC(openedAt.getUTCFullYear(), openedAt.getUTCMonth() + 1, 1));
    case 'EVERY':
      return addDuration(openedAt, schedule.interval);
  }
}

/** The latest round as the schedule sees it. */
export interface LatestRound {
  status: RoundStatus;
  openedAt: Date;
}

/** True when the schedule opens the next round now: its time has come and the latest round is settled. */
export function openingDue(schedule: RoundSchedule, latest: LatestRound | null, now: Date): boolean {
  if (!latest || latest.status !== 'SETTLED') return false;
  const at = openingAfter(schedule, latest.openedAt);
  return at !== null && at.getTime() <= now.getTime();
}

/**
 * When a round opened at `openedAt` ends: after its period, but never after the schedule's next
 * opening, so that a round opened by hand mid-month still hands over on the first (and the
 * schedule keeps its day instead of drifting with every late opening).
 */
export function roundEnd(openedAt: Date, period: Duration, schedule: RoundSchedule): Date {
  const byPeriod = addDuration(openedAt, period);
  const next = openingAfter(schedule, openedAt);
  return next !== null && next.getTime() < byPeriod.getTime() ? next : byPeriod;
}
