/**
 * Is Meltano's "already running" about our own dead attempt? Each task keeps
 * one Meltano run id across attempts, so when the run record holding the lock
 * has our run id and no heartbeat for a while (Meltano beats every second),
 * it is the attempt that died with its worker, and only then does the retry
 * pass `--force`. Any other running record keeps Meltano's protection.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { systemDatabaseUri, type SettingsInput } from '../project/settings.js';

const QUERY = [
  'import json, sys, datetime',
  'import sqlalchemy as sa',
  'uri, dashed = sys.argv[1], sys.argv[2]',
  'ids = [dashed, dashed.replace("-", "")]',
  'row = None',
  'with sa.create_engine(uri).connect() as c:',
  '    for i in ids:',
  '        row = c.execute(sa.text("select state, last_heartbeat_at from runs where cast(run_id as varchar) = :i order by started_at desc"), {"i": i}).fetchone()',
  '        if row: break',
  'if not row:',
  '    print("null")',
  'else:',
  '    hb = row[1]',
  '    if isinstance(hb, str): hb = datetime.datetime.fromisoformat(hb)',
  '    now = datetime.datetime.now(datetime.timezone.utc)',
  '    if hb is not None and hb.tzinfo is None: hb = hb.replace(tzinfo=datetime.timezone.utc)',
  '    print(json.dumps({"state": str(row[0]), "silentSeconds": None if hb is None else (now - hb).total_seconds()}))',
].join('\n');

/** Seconds without heartbeat after which our own run record is certainly dead. */
export const OWN_RUN_SILENCE_SECONDS = 20;

function meltanoPython(meltano: string): string | undefined {
  try {
    const first = readFileSync(meltano, 'utf8').split('\n', 1)[0] ?? '';
    return first.startsWith('#!') && first.includes('python') ? first.slice(2).trim().split(/\s+/u)[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Looks in the system database the run used: the project's `database_uri` as Meltano resolves it with the
 * run's variables `env` (schedule env included) in `environment` (undefined: the one Meltano selects).
 */
export async function ownRunIsStale(
  meltano: string,
  project: SettingsInput,
  runId: string,
  env: NodeJS.ProcessEnv,
  environment?: string,
): Promise<boolean> {
  const python = meltanoPython(meltano);
  if (!python) return false;
  const uri = systemDatabaseUri(project, env, environment).value;
  const r = await execa(python, ['-c', QUERY, uri, runId], { reject: false, timeout: 30_000, env });
  if (r.exitCode !== 0) return false;
  const found = JSON.parse(r.stdout.trim() || 'null') as { state: string; silentSeconds: number | null } | null;
  return Boolean(
    found &&
    /RUNNING/u.test(found.state) &&
    found.silentSeconds !== null &&
    found.silentSeconds > OWN_RUN_SILENCE_SECONDS,
  );
}
