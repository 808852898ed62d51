/**
 * The tests StrykerJS runs against each mutant: the pure domain rules only (no database, no
 * global setup), so that a mutant is judged in milliseconds. `npm run test:mutation` uses it.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['subgraphs/*/test/domain/**/*.test.ts', 'packages/server/test/*.property.test.ts'],
    exclude: ['**/node_modules/**', '.data/**', '.stryker-tmp/**'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
    // One fixed seed, so that a mutant is killed or survives the same way on every run (incremental
    // results stay true); fewer cases per property, since every mutant runs them again.
    env: { NODE_ENV: 'test', FC_SEED: '17', FC_NUM_RUNS: '60' },
  },
});
