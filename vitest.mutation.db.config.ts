/**
 * The tests StrykerJS runs against mutants of inventory's stock SQL (`npm run test:mutation:db`):
 * inventory's integration tests, on the Postgres server TEST_DATABASE_URL names.
 */
import { defineConfig } from 'vitest/config';

if (!process.env.TEST_DATABASE_URL) throw new Error('test:mutation:db needs TEST_DATABASE_URL (a Postgres server; each test file makes its own database)');

export default defineConfig({
  test: {
    include: ['subgraphs/inventory/test/*.test.ts'],
    exclude: ['**/node_modules/**', '.data/**', '.stryker-tmp/**'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test', APOLLO_TELEMETRY_DISABLED: 'true' },
  },
});
