// @ts-check
/**
 * Mutation testing of inventory's stock SQL against a real Postgres (`npm run test:mutation:db`,
 * with TEST_DATABASE_URL set). Slow: every mutant runs the integration tests that cover it.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.db.config.ts' },
  mutate: ['subgraphs/inventory/src/db/stock.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-db-incremental.json',
  thresholds: { high: 90, low: 70, break: 60 },
  concurrency: 1,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation-db/index.html' },
  jsonReporter: { fileName: 'reports/mutation-db/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
