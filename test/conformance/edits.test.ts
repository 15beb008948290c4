/**
 * Conformance of edits: the same sequence of job/schedule commands, run by
 * the real `meltano` on one copy and by this tool on another, must leave
 * files that parse to the same jobs and schedules; every refused edit must
 * leave every file byte for byte as it was.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIXTURES } from './fixtures.js';
import { copyProject, makeProject, snapshotYaml } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';

type Data = Record<string, unknown>;

/** What an edit may change, per file: jobs and schedules, with empty values dropped as Meltano does. */
function entriesOf(dir: string): Record<string, { jobs: unknown[]; schedules: unknown[] }> {
  const out: Record<string, { jobs: unknown[]; schedules: unknown[] }> = {};
  for (const [file, text] of Object.entries(snapshotYaml(dir))) {
    const data = (parse(text) ?? {}) as Data;
    const clean = (list: unknown): unknown[] =>
      ((list as Data[] | null) ?? []).map((e) =>
        Object.fromEntries(
          Object.entries(e).filter(([, v]) => !(v && typeof v === 'object' && Object.keys(v).length === 0)),
        ),
      );
    out[file] = { jobs: clean(data.jobs), schedules: clean(data.schedules) };
  }
  return out;
}

interface Sequence {
  fixture: string;
  steps: string[][];
}

const SEQUENCES: Sequence[] = [
  {
    fixture: 'basic',
    steps: [
      ['job', 'add', 'bar-to-csv', '--tasks', '["tap-bar target-csv", "dbt-postgres:run"]'],
      ['schedule', 'add', 'hourly-bar', '--job', 'bar-to-csv', '--interval', '@hourly'],
      ['schedule', 'set', 'daily-foo', '--interval', '0 5 * * *'],
      [
        'schedule',
        'add',
        'elt-one',
        '--extractor',
        'tap-foo',
        '--loader',
        'target-csv',
        '--transform',
        'run',
        '--interval',
        '@weekly',
      ],
      ['schedule', 'set', 'elt-one', '--loader', 'target-jsonl', '--transform', 'only'],
      ['job', 'set', 'foo-to-jsonl', '--tasks', '[[tap-foo target-jsonl, dbt-postgres:test]]'],
      ['schedule', 'remove', 'daily-foo'],
    ],
  },
  {
    fixture: 'include-paths',
    steps: [
      ['schedule', 'set', 'a-schedule', '--interval', '@daily'],
      ['schedule', 'set', 'b-schedule', '--job', 'a-job'],
      ['job', 'set', 'a-job', '--tasks', 'tap-foo hash-emails target-csv'],
      ['schedule', 'add', 'new-one', '--job', 'main-job', '--interval', '@monthly'],
      ['schedule', 'remove', 'a-schedule'],
      ['schedule', 'remove', 'main-schedule'],
    ],
  },
  {
    fixture: 'comments-and-flow-style',
    steps: [
      ['schedule', 'set', 'flow', '--interval', '@hourly'],
      ['job', 'add', 'second', '--tasks', 'tap-bar target-jsonl'],
      ['schedule', 'add', 'second', '--job', 'second', '--interval', '@daily'],
    ],
  },
  {
    fixture: 'empty-project',
    steps: [
      ['job', 'add', 'first', '--tasks', 'tap-foo target-jsonl'],
      ['schedule', 'add', 'first', '--job', 'first', '--interval', '@once'],
      ['schedule', 'remove', 'first'],
      ['job', 'remove', 'first'],
    ],
  },
];

describe('edit sequences leave the same data as meltano', () => {
  for (const seq of SEQUENCES) {
    it(`${seq.fixture}: ${seq.steps.length} edits`, async () => {
      const fixture = FIXTURES.find((f) => f.name === seq.fixture);
      if (!fixture) throw new Error(`no fixture ${seq.fixture}`);
      const base = makeProject(fixture.files);
      const theirsDir = copyProject(base);
      const oursDir = copyProject(base);
      for (const step of seq.steps) {
        const theirs = await meltano(theirsDir, step);
        const mine = await ours(oursDir, step);
        expect(theirs.exitCode, `meltano ${step.join(' ')}: ${theirs.stderr}`).toBe(0);
        expect(mine.exitCode, `ours ${step.join(' ')}: ${mine.stderr}`).toBe(0);
        expect(mine.stdout.trim()).toBe(theirs.stdout.trim());
      }
      expect(entriesOf(oursDir)).toEqual(entriesOf(theirsDir));
      // Up to 14 sequential meltano and CLI runs: minutes on a loaded shared host.
    }, 300_000);
  }
});

describe('refused edits change nothing and say why', () => {
  const cases: Array<{
    name: string;
    fixture: string;
    args: string[];
    exit: number;
    message: RegExp;
    meltanoExit?: number;
  }> = [
    {
      name: 'unknown block',
      fixture: 'basic',
      args: ['job', 'add', 'x', '--tasks', 'tap-foo target-nope'],
      exit: 1,
      message: /Block target-nope not found/u,
      meltanoExit: 1,
    },
    {
      name: 'job exists',
      fixture: 'basic',
      args: ['job', 'add', 'foo-to-jsonl', '--tasks', 'tap-foo target-jsonl'],
      exit: 1,
      message: /Job 'foo-to-jsonl' already exists\./u,
      meltanoExit: 1,
    },
    {
      name: 'bad tasks yaml shape',
      fixture: 'basic',
      args: ['job', 'add', 'x', '--tasks', '{a: 1}'],
      exit: 1,
      message: /invalid tasks/u,
      meltanoExit: 1,
    },
    {
      name: 'loader missing',
      fixture: 'basic',
      args: ['job', 'add', 'x', '--tasks', 'tap-foo'],
      exit: 1,
      message: /invalid tasks/u,
      meltanoExit: 1,
    },
    {
      name: 'bad interval',
      fixture: 'basic',
      args: ['schedule', 'add', 's', '--job', 'foo-to-jsonl', '--interval', '0 0 0 * * *'],
      exit: 1,
      message: /Invalid Cron expression or alias: '0 0 0 \* \* \*'\. Please use a valid cron expression\./u,
      meltanoExit: 1,
    },
    {
      name: 'mix job and extractor',
      fixture: 'basic',
      args: ['schedule', 'add', 's', '--job', 'foo-to-jsonl', '--extractor', 'tap-foo', '--interval', '@daily'],
      exit: 1,
      message: /Cannot mix --job/u,
      meltanoExit: 1,
    },
    {
      name: 'unknown schedule set',
      fixture: 'basic',
      args: ['schedule', 'set', 'nope', '--interval', '@daily'],
      exit: 1,
      message: /Schedule 'nope' was not found\./u,
      meltanoExit: 1,
    },
    {
      name: 'unknown schedule remove',
      fixture: 'basic',
      args: ['schedule', 'remove', 'nope'],
      exit: 1,
      message: /Schedule 'nope' was not found\./u,
      meltanoExit: 1,
    },
    {
      name: 'unknown job remove',
      fixture: 'basic',
      args: ['job', 'remove', 'nope'],
      exit: 1,
      message: /Job 'nope' was not found\./u,
      meltanoExit: 1,
    },
    {
      name: 'job still scheduled (Meltano would break the schedule)',
      fixture: 'include-paths',
      args: ['job', 'remove', 'a-job'],
      exit: 1,
      message: /subconfig_a\.yml: job 'a-job': is still used by schedule\(s\) 'a-schedule'/u,
    },
    {
      name: 'empty schedule name',
      fixture: 'basic',
      args: ['schedule', 'add', '', '--job', 'foo-to-jsonl', '--interval', '@daily'],
      exit: 1,
      message: /Schedule name must not be empty\./u,
      meltanoExit: 1,
    },
    {
      name: 'empty job name',
      fixture: 'basic',
      args: ['job', 'add', '', '--tasks', 'tap-foo target-jsonl'],
      exit: 1,
      message: /Job name must not be empty\./u,
      meltanoExit: 1,
    },
    {
      name: 'empty task (a run with no blocks)',
      fixture: 'basic',
      args: ['job', 'add', 'jx', '--tasks', "''"],
      exit: 1,
      message: /Job 'jx' has invalid tasks\. Task 1 is empty: it names no block\./u,
      meltanoExit: 1,
    },
    {
      name: 'blank second task',
      fixture: 'basic',
      args: ['job', 'add', 'jx', '--tasks', "['tap-foo target-jsonl', '   ']"],
      exit: 1,
      message: /Job 'jx' has invalid tasks\. Task 2 is empty: it names no block\./u,
      meltanoExit: 1,
    },
    {
      name: 'empty task on job set',
      fixture: 'basic',
      args: ['job', 'set', 'foo-to-jsonl', '--tasks', "['']"],
      exit: 1,
      message: /Job 'foo-to-jsonl' has invalid tasks\. Task 1 is empty/u,
      meltanoExit: 1,
    },
    {
      // Meltano accepts it and writes a task with no blocks.
      name: 'empty inner list',
      fixture: 'basic',
      args: ['job', 'add', 'jx', '--tasks', '[[]]'],
      exit: 1,
      message: /Job 'jx' has invalid tasks\. Task 1 is empty/u,
    },
    {
      // Meltano accepts it and writes a job without tasks, which then breaks every command.
      name: 'no tasks at all',
      fixture: 'basic',
      args: ['job', 'add', 'jx', '--tasks', '[]'],
      exit: 1,
      message: /Job 'jx' has invalid tasks\. The list of tasks is empty\./u,
    },
    {
      // Meltano writes the schedule, and then refuses to list any schedule.
      name: 'schedule add with a job that does not exist',
      fixture: 'basic',
      args: ['schedule', 'add', 's', '--job', 'nope', '--interval', '@daily'],
      exit: 1,
      message: /Job 'nope' was not found\.\n {2}fix: add it first \(meltano-temporal job add nope --tasks/u,
    },
    {
      name: 'schedule set to a job that does not exist',
      fixture: 'basic',
      args: ['schedule', 'set', 'daily-foo', '--job', 'nope'],
      exit: 1,
      message: /Job 'nope' was not found\./u,
    },
    {
      name: 'set elt field on a job schedule',
      fixture: 'basic',
      args: ['schedule', 'set', 'daily-foo', '--loader', 'target-csv'],
      exit: 1,
      message: /Cannot mix --job/u,
      meltanoExit: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const fixture = FIXTURES.find((f) => f.name === c.fixture);
      if (!fixture) throw new Error(`no fixture ${c.fixture}`);
      const dir = makeProject(fixture.files);
      const before = snapshotYaml(dir);
      const mine = await ours(dir, c.args);
      expect(mine.exitCode).toBe(c.exit);
      expect(mine.stderr).toMatch(c.message);
      expect(snapshotYaml(dir)).toEqual(before);
      if (c.meltanoExit !== undefined) {
        const theirsDir = makeProject(fixture.files);
        const theirs = await meltano(theirsDir, c.args);
        expect(theirs.exitCode).toBe(c.meltanoExit);
      }
    });
  }

  it('a YAML syntax error names file, line and column, and nothing is written', async () => {
    const dir = makeProject({ 'meltano.yml': 'jobs:\n- name: a\n  tasks: [x\nschedules: []\n' });
    const before = snapshotYaml(dir);
    const mine = await ours(dir, ['schedule', 'add', 's', '--job', 'a', '--interval', '@daily']);
    expect(mine.exitCode).toBe(1);
    expect(mine.stderr).toMatch(/meltano\.yml:\d+:\d+: YAML syntax error/u);
    expect(snapshotYaml(dir)).toEqual(before);
  });

  for (const [label, text] of [
    ['a 0-byte meltano.yml', ''],
    ['a meltano.yml with only a comment', '# nothing yet\n'],
  ] as const) {
    for (const args of [
      ['schedule', 'list'],
      ['job', 'add', 'x', '--tasks', 'tap-foo target-jsonl'],
    ]) {
      it(`${label} is refused by ${args.slice(0, 2).join(' ')}, as meltano refuses it`, async () => {
        const dir = makeProject({ 'meltano.yml': text });
        const mine = await ours(dir, args);
        expect(mine.exitCode).toBe(1);
        expect(mine.stderr).toContain('meltano.yml: the file is empty; Meltano refuses an empty meltano.yml');
        expect(snapshotYaml(dir)).toEqual({ 'meltano.yml': text });
        const theirs = await meltano(dir, args);
        expect(theirs.exitCode).toBe(1);
        expect(theirs.stderr).toContain('Your meltano.yml file is empty.');
      });
    }
  }

  for (const [label, extra, origin] of [
    ['project_readonly: true in meltano.yml', { yml: 'project_readonly: true\n' }, 'project_readonly in meltano.yml'],
    [
      'MELTANO_PROJECT_READONLY in .env',
      { dotenv: 'MELTANO_PROJECT_READONLY=yes\n' },
      'MELTANO_PROJECT_READONLY in .env',
    ],
    [
      'MELTANO_PROJECT_READONLY in the env of meltano.yml',
      { yml: "env:\n  MELTANO_PROJECT_READONLY: 'true'\n" },
      'MELTANO_PROJECT_READONLY in the env of meltano.yml',
    ],
  ] as const) {
    it(`${label} forbids writes, as in meltano`, async () => {
      const fixture = FIXTURES[0];
      if (!fixture) throw new Error('no fixtures');
      const files: Record<string, string> = {
        ...fixture.files,
        'meltano.yml': `${fixture.files['meltano.yml'] ?? ''}${'yml' in extra ? extra.yml : ''}`,
        ...('dotenv' in extra ? { '.env': extra.dotenv } : {}),
      };
      const dir = makeProject(files);
      const before = snapshotYaml(dir);
      const mine = await ours(dir, ['schedule', 'remove', 'daily-foo']);
      expect(mine.exitCode).toBe(1);
      expect(mine.stderr).toContain('This Meltano project is deployed as read-only');
      expect(mine.stderr).toContain(`fix: project_readonly is set by ${origin}; unset it to edit meltano.yml`);
      expect(snapshotYaml(dir)).toEqual(before);
      const theirs = await meltano(dir, ['schedule', 'remove', 'daily-foo']);
      expect(theirs.exitCode).toBe(1);
      expect(theirs.stderr).toContain('read-only');
      expect(snapshotYaml(dir)).toEqual(before);
    });
  }

  it('MELTANO_PROJECT_READONLY forbids writes, as in meltano', async () => {
    const fixture = FIXTURES[0];
    if (!fixture) throw new Error('no fixtures');
    const dir = makeProject(fixture.files);
    const before = snapshotYaml(dir);
    const mine = await ours(dir, ['schedule', 'remove', 'daily-foo'], { MELTANO_PROJECT_READONLY: 'true' });
    expect(mine.exitCode).toBe(1);
    expect(mine.stderr).toContain('This Meltano project is deployed as read-only');
    expect(snapshotYaml(dir)).toEqual(before);
    const theirs = await meltano(dir, ['schedule', 'remove', 'daily-foo'], { MELTANO_PROJECT_READONLY: 'true' });
    expect(theirs.exitCode).toBe(1);
  });
});

describe('a name with a line break', () => {
  const fixture = FIXTURES.find((f) => f.name === 'basic');
  if (!fixture) throw new Error('no fixture basic');
  const SCHEDULE_ADD = ['schedule', 'add', 'two\nlines', '--job', 'foo-to-jsonl', '--interval', '@daily'];
  const JOB_ADD = ['job', 'add', 'job\nbroken', '--tasks', 'tap-foo target-jsonl'];

  /** A project where the real meltano added a schedule and a job with such names. */
  async function writtenByMeltano(): Promise<string> {
    const dir = makeProject(fixture?.files ?? {});
    for (const args of [SCHEDULE_ADD, JOB_ADD]) {
      const r = await meltano(dir, args);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    return dir;
  }

  it('meltano writes it, and its own text listings then show that entry over two lines (why we refuse it)', async () => {
    const dir = await writtenByMeltano();
    const schedules = await meltano(dir, ['schedule', 'list']);
    expect(schedules.stdout.split('\n')).toEqual([
      "[@daily] job daily-foo: foo-to-jsonl → ['tap-foo target-jsonl']",
      '[@daily] job two',
      "lines: foo-to-jsonl → ['tap-foo target-jsonl']",
    ]);
    const jobs = await meltano(dir, ['job', 'list']);
    expect(jobs.stdout.split('\n')).toEqual([
      "foo-to-jsonl: ['tap-foo target-jsonl']",
      'job',
      "broken: ['tap-foo target-jsonl']",
    ]);
  });

  it('is refused by schedule add and job add, naming the file, the entry and the fix; nothing is written', async () => {
    const dir = makeProject(fixture.files);
    const before = snapshotYaml(dir);
    const schedule = await ours(dir, SCHEDULE_ADD);
    expect(schedule.exitCode).toBe(1);
    expect(schedule.stderr).toBe(
      "Error: meltano.yml: schedule 'two\\nlines': the name contains a line break, so every text listing would show this entry over several lines\n" +
        "  fix: give the schedule a name on one line, such as 'two-lines'",
    );
    const job = await ours(dir, JOB_ADD);
    expect(job.exitCode).toBe(1);
    expect(job.stderr).toBe(
      "Error: meltano.yml: job 'job\\nbroken': the name contains a line break, so every text listing would show this entry over several lines\n" +
        "  fix: give the job a name on one line, such as 'job-broken'",
    );
    const carriageReturn = await ours(dir, ['job', 'add', 'a\rb', '--tasks', 'tap-foo target-jsonl']);
    expect(carriageReturn.exitCode).toBe(1);
    expect(carriageReturn.stderr).toContain("meltano.yml: job 'a\\rb': the name contains a line break");
    expect(snapshotYaml(dir)).toEqual(before);
  });

  it('an entry meltano wrote with such a name is refused by set, with its file and the fix; nothing is written', async () => {
    const dir = await writtenByMeltano();
    const before = snapshotYaml(dir);
    const schedule = await ours(dir, ['schedule', 'set', 'two\nlines', '--interval', '@hourly']);
    expect(schedule.exitCode).toBe(1);
    expect(schedule.stderr).toBe(
      "Error: meltano.yml: schedule 'two\\nlines': the name contains a line break, so every text listing shows this entry over several lines\n" +
        '  fix: rename it in meltano.yml to a name on one line, then change it under that name',
    );
    const job = await ours(dir, ['job', 'set', 'job\nbroken', '--tasks', 'tap-foo target-jsonl']);
    expect(job.exitCode).toBe(1);
    expect(job.stderr).toContain("Error: meltano.yml: job 'job\\nbroken': the name contains a line break");
    expect(snapshotYaml(dir)).toEqual(before);
  });
});
