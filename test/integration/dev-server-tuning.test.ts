/**
 * The embedded dev server (`up`'s, and every one src/temporal/dev-server.ts
 * starts) really runs with our tuning: the running `temporal` process was given
 * every dynamic config value of SERVER_DYNAMIC_CONFIG (the transfer throttle
 * among them) and our SQLite pragmas, and its file really is in WAL mode (the
 * SQLite header says so, and the -wal file exists). A dev server of its own,
 * since the test reads the server's process and file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { DEV_SERVER_SQLITE_PRAGMAS, SERVER_DYNAMIC_CONFIG } from '../../src/temporal/server-tuning.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** The values given with `flag` on the running process's command line, as KEY=VALUE strings. */
function flagValues(pid: number, flag: string): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return argv.flatMap((a, i) => (a === flag && argv[i + 1] !== undefined ? [argv[i + 1] as string] : []));
}

describe('the dev server we start', () => {
  it('runs with every dynamic config value of ours, the transfer throttle raised among them', async () => {
    // The server answers: it started with these flags (a malformed value stops it at start).
    const client = await server.client();
    await client.workflowService.getSystemInfo({});
    const given = Object.fromEntries(
      flagValues(server.pid, '--dynamic-config-value').map((kv) => [
        kv.slice(0, kv.indexOf('=')),
        JSON.parse(kv.slice(kv.indexOf('=') + 1)) as unknown,
      ]),
    );
    expect(given).toEqual(SERVER_DYNAMIC_CONFIG);
    expect(given['history.transferProcessorMaxPollRPS']).toBeGreaterThan(20); // the server's default
  });

  it('keeps its SQLite file in WAL mode with our synchronous level', () => {
    expect(flagValues(server.pid, '--sqlite-pragma').sort()).toEqual(
      Object.entries(DEV_SERVER_SQLITE_PRAGMAS)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    );
    // SQLite's header: bytes 18 and 19 (file format write/read version) are 2 in WAL mode, 1 in rollback-journal mode.
    const header = readFileSync(server.dbFile).subarray(0, 20);
    expect(header.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect([header[18], header[19]]).toEqual([2, 2]);
    expect(existsSync(`${server.dbFile}-wal`)).toBe(true);
  });
});
