import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tfjs backends are process-global; one fork per file keeps backend choice per test file.
    pool: 'forks',
    // Chromium for the report.html tests: found or installed before any test, or a clear stop.
    globalSetup: ['scripts/test-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
