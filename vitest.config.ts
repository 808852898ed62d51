import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.data/**', '.stryker-tmp/**', 'client-examples/web/**'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // No test ever talks to Apollo's telemetry endpoint or cloud metadata services.
    env: { NODE_ENV: 'test', APOLLO_TELEMETRY_DISABLED: 'true' },
  },
});
