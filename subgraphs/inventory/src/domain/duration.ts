/**
 * ISO-8601 durations (the round period: P1M in real life, PT30S in a demo). Calendar parts
 * (years, months, weeks, days) follow the calendar in UTC; clock parts are exact milliseconds.
 */

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  /** May have a fraction (PT0.5S). */
  seconds: number;
}

/** The text is not an ISO-8601 duration this service understands. */
export class InvalidDuration extends Error {
  constructor(text: string, why: string) {
    super(`"${text}" is not an ISO-8601 duration like P1M, PT30S or P1DT2H: ${why}`);
    this.name = 'InvalidDuration';
  }
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses `PnYnMnWnDTnHnMnS` (only seconds may have a fraction); throws InvalidDuration. */
export function parseDuration(text: string): Duration {
  if (typeof text !== 'string') throw new InvalidDuration(String(text), 'not text');
  const match = DURATION.exec(text);
  if (!match) throw new InvalidDuration(text, 'it does not have the form PnYnMnWnDTnHnMnS');
  if (text === 'P' || text.endsWith('T')) throw new InvalidDuration(text, 'it names no amount of time');
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  const n = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  return { years: n(years), months: n(months), weeks: n(weeks), days: n(days), hours: n(hours), minutes: n(minutes), seconds: n(seconds) };
}

/** True when the duration adds no time at all (P0D). */
export function isZeroDuration(d: Duration): boolean {
  return d.years === 0 && d.months === 0 && d.weeks === 0 && d.days === 0 && d.hours === 0 && d.minutes === 0 && d.seconds === 0;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/**
 * The instant `d` after `from`. Months keep the day of the month, clamped to the month's last
 * day (Jan 31 + P1M = Feb 28 or 29), the way calendars and Postgres intervals do.
 */
export function addDuration(from: Date, d: Duration): Date {
  const totalMonths = from.getUTCMonth() + d.years * 12 + d.months;
  const year = from.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = ((totalMonths % 12) + 12) % 12;
  const day = Math.min(from.getUTCDate(), daysInMonth(year, month));
  const calendar = new Date(Date.UTC(year, month, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
  calendar.setUTCDate(calendar.getUTCDate() + d.weeks * 7 + d.days);
  const clockMs = Math.round(((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000);
  return new Date(calendar.getTime() + clockMs);
}
