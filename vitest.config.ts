/**
 * Four test tiers (vitest projects), fastest first; `npm test` runs them all,
 * one tier after the other (sequence.groupOrder), each with its own number of
 * files at a time.
 *
 *   unit         no setup: in-process logic, no .venv, no build, no server   npm run test:unit
 *   oracle       real processes, no Temporal: `meltano` and Python as the    npm run test:oracle
 *                oracle, our built CLI on real projects
 *   integration  a real Temporal server: the run's shared dev server (one    npm run test:integration
 *                namespace per file), or a file's own where it restarts,
 *                crashes or configures it; the time-skipping test server
 *   slow         whole systems: the cluster and its deployment files, the    npm run test:slow
 *                mysql2pg pipeline, the packed install, the Web UI, plugins
 */
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native worker and child processes do not belong in worker threads.
    pool: 'forks',
    // The pinned tools first (`npm run setup` puts meltano, temporal and python in .venv), as users run them.
    env: { PATH: `${path.resolve('.venv', 'bin')}${path.delimiter}${process.env.PATH ?? ''}` },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'oracle',
          include: ['test/conformance/**/*.test.ts', 'test/project/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/workflow/**/*.test.ts'],
          globalSetup: ['test/setup/temporal-server.ts'],
          sequence: { groupOrder: 2 },
          maxWorkers: 3,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: [
            'test/cluster/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/package/**/*.test.ts',
            'test/plugin/**/*.test.ts',
          ],
          sequence: { groupOrder: 3 },
          maxWorkers: 2,
        },
      },
    ],
  },
});
