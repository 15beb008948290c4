/**
 * What a task's `meltano run` starts from (src/meltano/child-env.ts): this process's
 * environment from a shell; under `meltano invoke`, the environment the meltano process
 * was started with (read from /proc), else this one less what meltano invoke added.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import {
  parentProcess,
  readProcessEnvironment,
  taskBaseEnvironment,
  withoutInvokeAdditions,
} from '../../src/meltano/child-env.js';
import { startedByMeltano } from '../../src/meltano/invocation.js';

const SHELL = { PATH: '/usr/bin:/bin', HOME: '/home/u', MELTANO_DATABASE_URI: 'postgresql://shell/db' };
/** What `meltano --environment=dev invoke temporal:worker` gives the plugin, for SHELL. */
const INVOKED = {
  ...SHELL,
  PATH: '/p/.meltano/utilities/temporal/venv/bin:/usr/bin:/bin',
  VIRTUAL_ENV: '/p/.meltano/utilities/temporal/venv',
  MELTANO_UTILITY_NAME: 'temporal',
  MELTANO_UTILITY_NAMESPACE: 'temporal',
  MELTANO_ENVIRONMENT: 'dev',
  MELTANO_PROJECT_ROOT: '/p',
  MELTANO_SYS_DIR_ROOT: '/p/.meltano',
  MELTANO_STATE_BACKEND_URI: 'systemdb',
  MELTANO_UTILIZE_ADDRESS: 'h:7233',
  MELTANO_TEMPORAL_TASK_QUEUE: 'q',
  MELTANO_BIN: '/opt/meltano',
  TEMPORAL_ADDRESS: 'h:7233',
  PYTHONWARNINGS: 'once',
};

describe('taskBaseEnvironment', () => {
  it('from a shell: this process environment, nothing read from /proc', () => {
    const read = (): never => {
      throw new Error('must not read');
    };
    expect(taskBaseEnvironment(SHELL, 10, read)).toEqual({ env: SHELL, source: 'process' });
    expect(startedByMeltano(SHELL)).toBe(false);
    expect(startedByMeltano(INVOKED)).toBe(true);
  });

  it('under meltano invoke: the environment the meltano process (the parent) was started with', () => {
    const environs: Record<number, Record<string, string>> = { 10: SHELL };
    const base = taskBaseEnvironment(INVOKED, 10, (pid) => environs[pid]);
    expect(base).toEqual({ env: SHELL, source: 'meltano', pid: 10 });
  });

  it('through a wrapper that meltano started (it carries the same marker): the nearest ancestor without it', () => {
    const environs: Record<number, Record<string, string>> = { 10: INVOKED, 7: SHELL };
    const parents: Record<number, number> = { 10: 7 };
    const base = taskBaseEnvironment(
      INVOKED,
      10,
      (pid) => environs[pid],
      (pid) => parents[pid],
    );
    expect(base).toEqual({ env: SHELL, source: 'meltano', pid: 7 });
  });

  it('a meltano started inside another utility (another MELTANO_UTILITY_NAME) is still the one that invoked', () => {
    const insideAirflow = { ...SHELL, MELTANO_UTILITY_NAME: 'airflow' };
    const base = taskBaseEnvironment(INVOKED, 10, (pid) => (pid === 10 ? insideAirflow : undefined));
    expect(base).toEqual({ env: insideAirflow, source: 'meltano', pid: 10 });
  });

  it('when /proc cannot be read: this environment less what meltano invoke adds, with a note saying so', () => {
    const base = taskBaseEnvironment(INVOKED, 10, () => undefined);
    expect(base.source).toBe('stripped');
    expect(base.note).toMatch(
      /^cannot read the environment of the meltano that started this worker \(\/proc\/10\/environ\)/u,
    );
    expect(base.env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/u',
      MELTANO_PROJECT_ROOT: '/p',
      MELTANO_SYS_DIR_ROOT: '/p/.meltano',
      MELTANO_TEMPORAL_TASK_QUEUE: 'q',
      MELTANO_BIN: '/opt/meltano',
      TEMPORAL_ADDRESS: 'h:7233',
      PYTHONWARNINGS: 'once',
    });
  });

  it("the fallback leaves PATH alone when the plugin's bin directory is not at its head", () => {
    expect(withoutInvokeAdditions({ PATH: '/usr/bin:/x/bin', VIRTUAL_ENV: '/x' }).PATH).toBe('/usr/bin:/x/bin');
  });
});

describe('/proc readers', () => {
  it("read a real process's start environment and parent", async () => {
    const child = execa('sleep', ['5'], { env: { MT_PROBE: 'a=b c', PATH: process.env.PATH }, extendEnv: false });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const env = readProcessEnvironment(child.pid ?? 0);
      expect(env?.MT_PROBE).toBe('a=b c');
      expect(Object.keys(env ?? {}).sort()).toEqual(['MT_PROBE', 'PATH']);
      expect(parentProcess(child.pid ?? 0)).toBe(process.pid);
      expect(parentProcess(process.pid)).toBe(process.ppid);
      expect(readProcessEnvironment(2 ** 30)).toBeUndefined();
      expect(parentProcess(2 ** 30)).toBeUndefined();
    } finally {
      child.kill();
      await child.catch(() => undefined);
    }
  });
});
