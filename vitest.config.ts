import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Scratch directories of the whole run live below one root that the run removes at its end.
    globalSetup: ['test/support/scratch-root.ts'],
    // Tests that start real PostgreSQL servers take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { NO_COLOR: '1' },
  },
});
