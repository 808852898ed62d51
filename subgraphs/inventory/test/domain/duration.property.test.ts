import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '@distribution/testkit/properties';
import { addDuration, InvalidDuration, isZeroDuration, parseDuration, type Duration } from '../../src/domain/duration.js';

const RUNS = propertyRuns(300);
const DAY = 86_400_000;
const part = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }));
const duration = fc.record({ years: part, months: part, weeks: part, days: part, hours: part, minutes: part, seconds: fc.oneof(part, fc.constantFrom(0.5, 1.25, 30.001)) });
/** Instants between 1970 and 2200, to the millisecond. */
const instant = fc.integer({ min: 0, max: 7_258_118_400_000 }).map((ms) => new Date(ms));
const none: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** The ISO-8601 text of a duration, naming only the parts it has. */
function iso(d: Duration): string {
  const date = `${d.years ? `${d.years}Y` : ''}${d.months ? `${d.months}M` : ''}${d.weeks ? `${d.weeks}W` : ''}${d.days ? `${d.days}D` : ''}`;
  const time = `${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}${d.seconds ? `${d.seconds}S` : ''}`;
  return `P${date}${time ? `T${time}` : ''}`;
}

describe('round periods (ISO-8601 durations)', () => {
  it('reads back every duration it can be written as', () => {
    fc.assert(
      fc.property(
        duration.filter((d) => !isZeroDuration(d)),
        (d) => {
          expect(parseDuration(iso(d))).toEqual(d);
        },
      ),
      RUNS,
    );
  });

  it('refuses any other text with InvalidDuration, never another error', () => {
    const text = fc.oneof(
      fc.string(),
      fc.stringMatching(/^P[0-9YMWDTHS.]{0,8}$/),
      fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), duration, fc.string({ maxLength: 3 })).map(([before, d, after]) => `${before}${iso(d)}${after}`),
      fc.constantFrom('P', 'PT', 'P1DT'),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const d = parseDuration(t);
          expect(Object.values(d).every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
          expect(t.startsWith('P')).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidDuration);
          expect((error as Error).name).toBe('InvalidDuration');
          expect((error as Error).message).toMatch(
            new RegExp(
              `^"${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not an ISO-8601 duration like P1M, PT30S or P1DT2H: (it does not have the form PnYnMnWnDTnHnMnS|it names no amount of time)$`,
            ),
          );
        }
      }),
      RUNS,
    );
    // Text it is given at all: configuration is read as text, anything else is refused.
    for (const notText of [['P1D'], 30, null]) expect(() => parseDuration(notText as never)).toThrow(/: not text$/);
  });

  it('never ends a round before it starts, and only a zero period ends it at once', () => {
    // Every part can be zero on its own, so that each one is seen deciding the answer.
    const sparse = fc
      .record({ years: part, months: part, weeks: part, days: part, hours: part, minutes: part, seconds: part }, { requiredKeys: [] })
      .map((d) => ({ ...none, ...d }));
    fc.assert(
      fc.property(instant, fc.oneof(duration, sparse), (from, d) => {
        const end = addDuration(from, d).getTime();
        expect(end).toBeGreaterThanOrEqual(from.getTime());
        expect(isZeroDuration(d)).toBe(end === from.getTime());
      }),
      RUNS,
    );
  });

  it('counts any single part as time: a period of only months, or only seconds, is not zero', () => {
    const single = fc.tuple(fc.constantFrom<keyof Duration>('years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(instant, single, (from, [key, amount]) => {
        const d = { ...none, [key]: amount };
        expect(isZeroDuration(d)).toBe(false);
        expect(addDuration(from, d).getTime()).toBeGreaterThan(from.getTime());
      }),
      RUNS,
    );
    expect(isZeroDuration(none)).toBe(true);
  });

  it('adds clock time exactly, and a week is seven days, a year twelve months', () => {
    fc.assert(
      fc.property(instant, part, part, part, (from, h, m, s) => {
        expect(addDuration(from, { ...none, hours: h, minutes: m, seconds: s }).getTime() - from.getTime()).toBe(((h * 60 + m) * 60 + s) * 1000);
        expect(addDuration(from, { ...none, weeks: h })).toEqual(addDuration(from, { ...none, days: 7 * h }));
        expect(addDuration(from, { ...none, years: m })).toEqual(addDuration(from, { ...none, months: 12 * m }));
        expect(addDuration(from, { ...none, days: s }).getTime() - from.getTime()).toBe(s * DAY);
      }),
      RUNS,
    );
  });

  it("keeps the day of the month and the time of day over months, clamped to the month's last day", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (from, months) => {
        const end = addDuration(from, { ...none, months });
        const expectedMonth = from.getUTCFullYear() * 12 + from.getUTCMonth() + months;
        expect(end.getUTCFullYear() * 12 + end.getUTCMonth()).toBe(expectedMonth);
        expect(end.getUTCDate()).toBe(Math.min(from.getUTCDate(), daysInMonth(end.getUTCFullYear(), end.getUTCMonth())));
        expect(end.getTime() % DAY).toBe(from.getTime() % DAY);
      }),
      RUNS,
    );
  });
});
