/**
 * The stale-run check (may a retry pass --force?) reads the system database
 * Meltano itself uses for the project: `database_uri` in meltano.yml counts,
 * not only MELTANO_DATABASE_URI. Real meltano creates the database; the run
 * record is written as a dead attempt of this task would have left it.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { makeProject } from '../helpers/project.js';
import { MELTANO, meltano, VENV_BIN } from '../helpers/run.js';
import { loadProject } from '../../src/project/load.js';
import { ownRunIsStale } from '../../src/meltano/stale-run.js';

const INSERT = [
  'import sqlite3, sys',
  'c = sqlite3.connect(sys.argv[1])',
  "c.execute(\"insert into runs (job_name, state, started_at, run_id, last_heartbeat_at) values ('j', 'RUNNING', datetime('now', '-2 minutes'), ?, datetime('now', '-1 minutes'))\", (sys.argv[2],))",
  'c.commit()',
].join('\n');

describe('ownRunIsStale', () => {
  it("finds this task's dead run record in the database_uri of meltano.yml", async () => {
    const dir = makeProject({
      'meltano.yml':
        'version: 1\nproject_id: stale-run-test\ndatabase_uri: sqlite:///$MELTANO_PROJECT_ROOT/state/system.db\n',
      'state/.keep': '',
    });
    // Meltano creates its system database (and the runs table) where database_uri says.
    const created = await meltano(dir, ['state', 'list']);
    expect(created.exitCode).toBe(0);
    const runId = randomUUID();
    await execa(path.join(VENV_BIN, 'python'), [
      '-c',
      INSERT,
      path.join(dir, 'state', 'system.db'),
      runId.replace(/-/gu, ''),
    ]);
    const env = { PATH: process.env.PATH ?? '' };
    expect(await ownRunIsStale(MELTANO, loadProject({ root: dir, env }), runId, env)).toBe(true);
    // Another run id's record is not ours: Meltano's protection stays.
    expect(await ownRunIsStale(MELTANO, loadProject({ root: dir, env }), randomUUID(), env)).toBe(false);
  });
});
