/**
 * Settings for fast-check properties. Runs are random; a failure prints its seed and path, and
 * FC_SEED (with FC_PATH) replays exactly that run: `FC_SEED=123 FC_PATH=4:1 npx vitest run <file>`.
 * FC_NUM_RUNS caps the cases per property (mutation testing runs the properties once per mutant).
 */
import type { Parameters } from 'fast-check';

const fromEnv = (name: string) => {
  const value = process.env[name] === undefined ? NaN : Number(process.env[name]);
  return Number.isInteger(value) ? value : undefined;
};

/** Parameters for `fc.assert`: `numRuns` cases (at most FC_NUM_RUNS), or the replay named by FC_SEED / FC_PATH. */
export function propertyRuns<T = unknown>(numRuns: number): Parameters<T> {
  const cap = fromEnv('FC_NUM_RUNS');
  const runs = cap !== undefined && cap > 0 ? Math.min(numRuns, cap) : numRuns;
  const seed = fromEnv('FC_SEED');
  return seed === undefined ? { numRuns: runs } : { numRuns: runs, seed, path: process.env.FC_PATH };
}
