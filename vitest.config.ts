import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native worker and child processes do not belong in worker threads.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
