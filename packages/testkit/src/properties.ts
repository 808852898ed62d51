/**
 * Settings for fast-check properties. Runs are random; a failure prints its seed and path, and
 * FC_SEED (with FC_PATH) replays exactly that run: `FC_SEED=123 FC_PATH=4:1 npx vitest run <file>`.
 */
import type { Parameters } from 'fast-check';

/** Parameters for `fc.assert`: `numRuns` cases, or the replay named by FC_SEED / FC_PATH. */
export function propertyRuns<T = unknown>(numRuns: number): Parameters<T> {
  const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
  if (seed === undefined || !Number.isInteger(seed)) return { numRuns };
  return { numRuns, seed, path: process.env.FC_PATH };
}
