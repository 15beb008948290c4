/**
 * Global setup of the integration tier: one Temporal dev server for the whole
 * run, shared by every test file through `sharedServer()` (each file works in
 * a namespace of its own). Started by the product's starter, as `up` starts
 * its embedded server, but headless, on a free port, SQLite in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startDevServer } from '../../src/temporal/dev-server.js';
import { TEMPORAL, requireFile } from '../helpers/run.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireFile(TEMPORAL);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-shared-'));
  const server = await startDevServer({
    port: await freePort(),
    dbFile: path.join(dir, 'db.sqlite'),
    logLevel: 'error',
  });
  project.provide('temporalAddress', server.address);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
