import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.js';
import { InvalidRoundSchedule, openingAfter, openingDue, parseRoundSchedule, roundEnd } from '../../src/domain/round-schedule.js';

const at = (iso: string) => new Date(iso);
const MONTHLY = parseRoundSchedule('monthly');
const DEMO = parseRoundSchedule('PT10S');
const MANUAL = parseRoundSchedule('manual');

describe('reading ROUND_SCHEDULE', () => {
  it('knows monthly, manual and ISO-8601 intervals, whatever the case of the words', () => {
    expect(parseRoundSchedule('Monthly')).toEqual({ kind: 'MONTHLY' });
    expect(parseRoundSchedule(' manual ')).toEqual({ kind: 'MANUAL' });
    expect(parseRoundSchedule('PT10S')).toEqual({ kind: 'EVERY', interval: parseDuration('PT10S') });
    expect(parseRoundSchedule('P1W')).toEqual({ kind: 'EVERY', interval: parseDuration('P1W') });
  });

  it('refuses anything else, naming what it accepts', () => {
    for (const text of ['weekly', '0 0 1 * *', 'PT', '', 'P0D', 'PT-5S']) {
      expect(() => parseRoundSchedule(text), text).toThrow(InvalidRoundSchedule);
    }
    expect(() => parseRoundSchedule('sometimes')).toThrow(/monthly, manual, or an ISO-8601 duration like PT30S/);
  });
});

describe('the next opening', () => {
  it('is 00:00 UTC on the first of the month after the last round opened, monthly', () => {
    expect(openingAfter(MONTHLY, at('2025-01-01T00:00:00Z'))).toEqual(at('2025-02-01T00:00:00Z'));
    expect(openingAfter(MONTHLY, at('2025-01-31T23:59:59.999Z'))).toEqual(at('2025-02-01T00:00:00Z'));
    expect(openingAfter(MONTHLY, at('2025-02-14T09:30:00Z'))).toEqual(at('2025-03-01T00:00:00Z'));
    expect(openingAfter(MONTHLY, at('2025-12-03T00:00:00Z'))).toEqual(at('2026-01-01T00:00:00Z'));
  });

  it('is one interval after the last opening with a duration, and never with manual', () => {
    expect(openingAfter(DEMO, at('2025-05-05T10:00:00Z'))).toEqual(at('2025-05-05T10:00:10Z'));
    expect(openingAfter(parseRoundSchedule('P1M'), at('2025-01-31T08:00:00Z'))).toEqual(at('2025-02-28T08:00:00Z'));
    expect(openingAfter(MANUAL, at('2025-05-05T10:00:00Z'))).toBeNull();
  });

  it('is due only once its time has come and the latest round is settled', () => {
    const openedAt = at('2025-05-05T10:00:00Z');
    const before = at('2025-05-05T10:00:09.999Z');
    const after = at('2025-05-05T10:00:10Z');
    expect(openingDue(DEMO, { status: 'SETTLED', openedAt }, before)).toBe(false);
    expect(openingDue(DEMO, { status: 'SETTLED', openedAt }, after)).toBe(true);
    // Past its time, but the last round still sells or waits for settlements: the next waits for it.
    expect(openingDue(DEMO, { status: 'OPEN', openedAt }, after)).toBe(false);
    expect(openingDue(DEMO, { status: 'CLOSED', openedAt }, after)).toBe(false);
    expect(openingDue(MANUAL, { status: 'SETTLED', openedAt }, at('2099-01-01T00:00:00Z'))).toBe(false);
    // The first round is an operator's: the schedule has nothing to count from.
    expect(openingDue(MONTHLY, null, after)).toBe(false);
  });
});

describe('the end of a round', () => {
  it("comes after its period, or at the schedule's next opening when that is sooner", () => {
    const month = parseDuration('P1M');
    // Opened on time: the period and the schedule agree.
    expect(roundEnd(at('2025-03-01T00:00:00Z'), month, MONTHLY)).toEqual(at('2025-04-01T00:00:00Z'));
    // Opened by hand mid-month: it hands over on the first, so the schedule keeps its day.
    expect(roundEnd(at('2025-03-20T15:00:00Z'), month, MONTHLY)).toEqual(at('2025-04-01T00:00:00Z'));
    // A short period ends first.
    expect(roundEnd(at('2025-03-20T15:00:00Z'), parseDuration('P1D'), MONTHLY)).toEqual(at('2025-03-21T15:00:00Z'));
    expect(roundEnd(at('2025-03-20T15:00:00Z'), parseDuration('PT30S'), DEMO)).toEqual(at('2025-03-20T15:00:10Z'));
    expect(roundEnd(at('2025-03-20T15:00:00Z'), month, MANUAL)).toEqual(at('2025-04-20T15:00:00Z'));
  });
});
