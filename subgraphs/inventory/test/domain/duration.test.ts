import { describe, expect, it } from 'vitest';
import { addDuration, InvalidDuration, isZeroDuration, parseDuration } from '../../src/domain/duration.js';

const at = (iso: string) => new Date(iso);

describe('ISO-8601 round periods', () => {
  it('reads a month (P1M): the real-life round', () => {
    expect(parseDuration('P1M')).toEqual({ years: 0, months: 1, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
  });

  it('reads thirty seconds (PT30S): the demo round, where M means minutes only after T', () => {
    expect(parseDuration('PT30S')).toMatchObject({ months: 0, minutes: 0, seconds: 30 });
    expect(parseDuration('PT5M')).toMatchObject({ months: 0, minutes: 5 });
  });

  it('reads a day and two hours (P1DT2H)', () => {
    expect(parseDuration('P1DT2H')).toMatchObject({ days: 1, hours: 2 });
  });

  it('reads half a second (PT0.5S)', () => {
    expect(parseDuration('PT0.5S').seconds).toBe(0.5);
  });

  it('reads every part at once', () => {
    expect(parseDuration('P1Y2M3W4DT5H6M7.25S')).toEqual({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.25 });
  });

  it.each(['', 'P', 'PT', 'P1DT', '1M', 'P1S', 'PT1D', 'P-1D', 'P1.5M', 'PT1H30', 'p1m', 'P1M ', 'monthly'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDuration);
  });

  it('knows a zero duration', () => {
    expect(isZeroDuration(parseDuration('P0D'))).toBe(true);
    expect(isZeroDuration(parseDuration('PT0.5S'))).toBe(false);
  });

  it('adds a month along the calendar, clamping to the last day of a shorter month', () => {
    expect(addDuration(at('2024-01-15T10:00:00Z'), parseDuration('P1M')).toISOString()).toBe('2024-02-15T10:00:00.000Z');
    expect(addDuration(at('2024-01-31T10:00:00Z'), parseDuration('P1M')).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(addDuration(at('2023-01-31T10:00:00Z'), parseDuration('P1M')).toISOString()).toBe('2023-02-28T10:00:00.000Z');
    expect(addDuration(at('2024-12-10T00:00:00Z'), parseDuration('P1M')).toISOString()).toBe('2025-01-10T00:00:00.000Z');
    expect(addDuration(at('2024-02-29T00:00:00Z'), parseDuration('P1Y')).toISOString()).toBe('2025-02-28T00:00:00.000Z');
  });

  it('adds clock time exactly', () => {
    expect(addDuration(at('2024-03-01T00:00:00Z'), parseDuration('PT30S')).toISOString()).toBe('2024-03-01T00:00:30.000Z');
    expect(addDuration(at('2024-03-01T23:00:00Z'), parseDuration('P1DT2H')).toISOString()).toBe('2024-03-03T01:00:00.000Z');
    expect(addDuration(at('2024-03-01T00:00:00Z'), parseDuration('PT0.5S')).toISOString()).toBe('2024-03-01T00:00:00.500Z');
    expect(addDuration(at('2024-03-01T00:00:00Z'), parseDuration('P2W')).toISOString()).toBe('2024-03-15T00:00:00.000Z');
  });
});
