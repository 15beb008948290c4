/**
 * Conformance of Meltano's own settings: the system database, project_readonly
 * and the selected environment, from the process environment, `.env`,
 * meltano.yml (and its included files) and Meltano's defaults, compared with
 * what the real `meltano` resolves (`meltano config print meltano` and the
 * environment it reports at start).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLUGINS } from './fixtures.js';
import { makeProject, type ProjectFiles } from '../helpers/project.js';
import { meltano } from '../helpers/run.js';
import { loadProject } from '../../src/project/load.js';
import { selectedEnvironment, systemDatabaseUri, type SettingSource } from '../../src/project/settings.js';

const HEAD = `default_environment: dev\nenvironments:\n- name: dev\n- name: prod\n- name: staging\n${PLUGINS}`;

interface Case {
  name: string;
  files: (dbDir: string) => ProjectFiles;
  env?: (dbDir: string) => Record<string, string>;
  /** What we expect the source to be (the value itself is compared with meltano). */
  expected: { database: SettingSource; readonly: SettingSource; environment: string };
}

const CASES: Case[] = [
  {
    name: 'defaults',
    files: () => ({ 'meltano.yml': HEAD }),
    expected: { database: 'default', readonly: 'default', environment: 'default_environment' },
  },
  {
    name: '.env sets the database and the environment',
    files: (db) => ({
      'meltano.yml': HEAD,
      '.env': `# deployment settings\nexport MELTANO_DATABASE_URI=sqlite:///${db}/from-dotenv.db\nMELTANO_ENVIRONMENT="prod"\n`,
    }),
    expected: { database: '.env', readonly: 'default', environment: '.env' },
  },
  {
    // (With an environment selected too, `meltano config print` itself fails on a read-only project.)
    name: '.env sets read-only',
    files: () => ({ 'meltano.yml': HEAD, '.env': 'MELTANO_PROJECT_READONLY=true # no edits here\n' }),
    expected: { database: 'default', readonly: '.env', environment: 'default_environment' },
  },
  {
    name: 'the process environment wins over .env',
    files: (db) => ({
      'meltano.yml': HEAD,
      '.env': `MELTANO_DATABASE_URI=sqlite:///${db}/from-dotenv.db\nMELTANO_ENVIRONMENT=prod\nMELTANO_PROJECT_READONLY=true\n`,
    }),
    env: (db) => ({
      MELTANO_DATABASE_URI: `sqlite:///${db}/from-process.db`,
      MELTANO_ENVIRONMENT: 'staging',
      MELTANO_PROJECT_READONLY: 'false',
    }),
    expected: { database: 'environment', readonly: 'environment', environment: 'MELTANO_ENVIRONMENT' },
  },
  {
    name: 'meltano.yml database_uri and project_readonly, with $VAR expansion',
    files: () => ({
      'meltano.yml': `${HEAD}database_uri: sqlite:///$MELTANO_PROJECT_ROOT/.meltano/${'${DB_NAME}'}.db\nproject_readonly: true\n`,
      '.env': 'DB_NAME=from-yml\n',
    }),
    expected: { database: 'meltano.yml', readonly: 'meltano.yml', environment: 'default_environment' },
  },
  {
    name: "meltano.yml's top-level env overrides the process",
    files: (db) => ({
      'meltano.yml': `${HEAD}env:\n  MELTANO_DATABASE_URI: sqlite:///${db}/from-yml-env.db\n`,
    }),
    env: (db) => ({ MELTANO_DATABASE_URI: `sqlite:///${db}/from-process.db` }),
    expected: { database: 'meltano.yml env', readonly: 'default', environment: 'default_environment' },
  },
  {
    name: '.env interpolation, quotes and a later key',
    files: (db) => ({
      'meltano.yml': HEAD,
      '.env': `DB_DIR='${db}'\nMELTANO_DATABASE_URI="sqlite:///${'${DB_DIR}'}/${'${MISSING:-interpolated}'}.db"\nMELTANO_PROJECT_READONLY=off\n`,
    }),
    expected: { database: '.env', readonly: '.env', environment: 'default_environment' },
  },
  {
    name: 'MELTANO_ENVIRONMENT set but empty hides .env and falls back to default_environment',
    files: () => ({ 'meltano.yml': HEAD, '.env': 'MELTANO_ENVIRONMENT=prod\n' }),
    env: () => ({ MELTANO_ENVIRONMENT: '' }),
    expected: { database: 'default', readonly: 'default', environment: 'default_environment' },
  },
  {
    name: 'MELTANO_ENVIRONMENT=null selects no environment',
    files: () => ({ 'meltano.yml': HEAD, '.env': 'MELTANO_ENVIRONMENT=Null\n' }),
    expected: { database: 'default', readonly: 'default', environment: '.env' },
  },
  {
    name: 'MELTANO_DEFAULT_ENVIRONMENT in .env replaces default_environment',
    files: () => ({ 'meltano.yml': HEAD, '.env': 'MELTANO_DEFAULT_ENVIRONMENT=staging\n' }),
    expected: { database: 'default', readonly: 'default', environment: 'default_environment' },
  },
  {
    name: 'MELTANO_SYS_DIR_ROOT moves the default database',
    files: () => ({ 'meltano.yml': HEAD }),
    env: (db) => ({ MELTANO_SYS_DIR_ROOT: path.join(db, 'sysdir') }),
    expected: { database: 'default', readonly: 'default', environment: 'default_environment' },
  },
  {
    name: 'an included file sets database_uri and default_environment (deep merge)',
    files: (db) => ({
      'meltano.yml': `${HEAD}include_paths: ['./deploy/*.yml']\n`,
      'deploy/settings.yml': `default_environment: prod\ndatabase_uri: sqlite:///${db}/from-include.db\nproject_readonly: yes\n`,
    }),
    expected: { database: 'meltano.yml', readonly: 'meltano.yml', environment: 'default_environment' },
  },
];

/** What the real meltano resolves: `config print meltano` and the environment line it logs at start. */
async function meltanoSettings(dir: string, env: Record<string, string>) {
  const r = await meltano(dir, ['config', 'print', 'meltano', '--format=json'], {
    ...env,
    MELTANO_CLI_LOG_LEVEL: 'info',
  });
  expect(r.exitCode, r.stderr).toBe(0);
  const config = JSON.parse(r.stdout) as { database_uri: string; project_readonly: boolean };
  const active = /Environment '([^']+)' is active/u.exec(r.stderr)?.[1];
  const byDefault = /The default environment '([^']+)' will be ignored/u.exec(r.stderr)?.[1];
  return { ...config, active, environment: active ?? byDefault };
}

describe("Meltano's settings are resolved as meltano resolves them", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dbDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mt-db-')));
      const dir = makeProject(c.files(dbDir));
      const env = c.env?.(dbDir) ?? {};
      const theirs = await meltanoSettings(dir, env);
      const project = loadProject({ root: dir, env: { ...process.env, ...env } });
      const mine = project.settings;
      expect(mine.environment.name).toBe(theirs.environment);
      expect(mine.environment.source).toBe(c.expected.environment);
      expect(mine.projectReadonly.value).toBe(theirs.project_readonly);
      expect(mine.projectReadonly.source).toBe(c.expected.readonly);
      // `config print` runs without the default environment active; compare in the same conditions.
      const inConfigPrint = systemDatabaseUri(project, { ...process.env, ...env }, theirs.active ?? null);
      expect(inConfigPrint.value).toBe(theirs.database_uri);
      expect(mine.databaseUri.value).toBe(theirs.database_uri);
      expect(mine.databaseUri.source).toBe(c.expected.database);
      expect(selectedEnvironment(project, { ...process.env, ...env }, 'explicit').name).toBe('explicit');
    });
  }
});
