/**
 * Four test tiers (vitest projects). `npm test` runs them all: unit, oracle
 * and integration side by side (oracle files keep the CPU busy while
 * integration files wait on servers and timers), then slow on its own.
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
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Files at a time while unit, oracle and integration run together (tiers side by side share it). */
const MAIN_WORKERS = 4;

function tier(
  name: string,
  include: string[],
  options: { group: number; maxWorkers: number; globalSetup?: string[] },
): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name,
      include,
      sequence: { groupOrder: options.group },
      maxWorkers: options.maxWorkers,
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
    },
  };
}

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
      tier('unit', ['test/unit/**/*.test.ts'], { group: 0, maxWorkers: MAIN_WORKERS }),
      tier('oracle', ['test/conformance/**/*.test.ts', 'test/project/**/*.test.ts'], {
        group: 0,
        maxWorkers: MAIN_WORKERS,
      }),
      tier('integration', ['test/integration/**/*.test.ts', 'test/workflow/**/*.test.ts'], {
        group: 0,
        maxWorkers: MAIN_WORKERS,
        globalSetup: ['test/setup/temporal-server.ts'],
      }),
      // Each of these runs whole systems (a four-process cluster, databases, browsers): two at a time, after the rest.
      tier(
        'slow',
        ['test/cluster/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/package/**/*.test.ts', 'test/plugin/**/*.test.ts'],
        { group: 1, maxWorkers: 2 },
      ),
    ],
  },
});
