/**
 * Fixture projects for the conformance suite: each is run through both the
 * real `meltano` and this tool. Plugins are fully defined (MeltanoHub is out
 * of reach) but never installed: listing and editing do not need them.
 */
import type { ProjectFiles } from '../helpers/project.js';

export const PLUGINS = `plugins:
  extractors:
  - name: tap-foo
    namespace: tap_foo
    pip_url: tap-foo
    executable: tap-foo
  - name: tap-bar
    namespace: tap_bar
    pip_url: tap-bar
    executable: tap-bar
  loaders:
  - name: target-jsonl
    namespace: target_jsonl
    pip_url: target-jsonl
    executable: target-jsonl
  - name: target-csv
    namespace: target_csv
    pip_url: target-csv
    executable: target-csv
  mappers:
  - name: meltano-map-transformer
    namespace: meltano_map_transformer
    pip_url: meltano-map-transformer
    executable: meltano-map-transform
    mappings:
    - name: hash-emails
      config: {}
  utilities:
  - name: dbt-postgres
    namespace: dbt_postgres
    pip_url: dbt-postgres
    executable: dbt
    commands:
      run: run
      test: test
`;

const HEAD = `# A fixture project\ndefault_environment: dev\nenvironments:\n- name: dev\n- name: prod\n  env:\n    TARGET_DIR: /data/prod\n  state_id_suffix: blue\n${PLUGINS}`;

export interface Fixture {
  name: string;
  files: ProjectFiles;
  /** Schedules Meltano cannot list (missing job): removed from the copy Meltano sees. */
  brokenSchedules?: string[];
  /** Both tools must refuse the project (exit non-zero). */
  bothFail?: boolean;
}

export const FIXTURES: Fixture[] = [
  {
    name: 'basic',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: foo-to-jsonl\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: daily-foo\n  interval: '@daily'\n  job: foo-to-jsonl\n`,
    },
  },
  {
    name: 'include-paths',
    files: {
      'meltano.yml': `${HEAD}include_paths:\n- ./subconfig_*.yml\n- ./more/**/*.yml\njobs:\n- name: main-job\n  tasks: [tap-foo target-jsonl]\nschedules:\n- name: main-schedule\n  interval: '@hourly'\n  job: main-job\n`,
      'subconfig_a.yml': `jobs:\n- name: a-job\n  tasks:\n  - tap-bar target-csv\nschedules:\n- name: a-schedule\n  interval: '*/15 * * * *'\n  job: a-job\n`,
      'more/deep/b.yml': `schedules:\n- name: b-schedule\n  interval: '@weekly'\n  job: main-job\n  env:\n    FROM: b\n`,
    },
  },
  {
    name: 'environments-and-env',
    files: {
      'meltano.yml': `${HEAD}env:\n  GLOBAL: '1'\njobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: s\n  interval: '@daily'\n  env:\n    TARGET_JSONL_DESTINATION_PATH: out\n  job: j\n`,
    },
  },
  {
    name: 'env-odd-values',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: odd\n  interval: '@daily'\n  job: j\n  env:\n    EMPTY: ''\n    QUOTES: 'it''s "quoted"'\n    DOLLAR: $HOME and \${PATH}\n    UNICODE: "héllo wörld ✓ 日本"\n    MULTILINE: |\n      line one\n      line two\n    SHELL: '; rm -rf / && echo \`id\` | cat > x'\n    NUMBER_STRING: '0042'\n    SPACES: '  padded  '\n    BACKSLASH: 'C:\\path\\n'\n`,
    },
  },
  {
    name: 'elt-schedules',
    files: {
      'meltano.yml': `${HEAD}schedules:\n- name: elt-run\n  interval: '@hourly'\n  extractor: tap-foo\n  loader: target-jsonl\n  transform: run\n- name: elt-skip\n  interval: '@daily'\n  extractor: tap-bar\n  loader: target-csv\n  transform: skip\n- name: elt-only\n  interval: '0 3 * * *'\n  extractor: tap-foo\n  loader: target-csv\n  transform: only\n  env:\n    X: y\n`,
    },
  },
  {
    name: 'list-of-lists-tasks',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: nested\n  tasks:\n  - tap-foo target-jsonl\n  - [tap-bar, hash-emails, target-csv]\n  - - tap-foo target-csv\n    - dbt-postgres:run\n  - dbt-postgres:test\nschedules:\n- name: nested\n  interval: '@daily'\n  job: nested\n`,
    },
  },
  {
    name: 'every-preset',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n${[
        '@once',
        '@manual',
        '@none',
        '@hourly',
        '@daily',
        '@weekly',
        '@monthly',
        '@yearly',
        '@annually',
        '@midnight',
      ]
        .map((p) => `- name: s${p.slice(1)}\n  interval: '${p}'\n  job: j\n`)
        .join('')}`,
    },
  },
  {
    name: 'cron-edge-cases',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n${[
        '0 9 * * MON-FRI',
        '*/5 * * * *',
        '0 0 L * *',
        '0 0 ? * 7',
        '15,45 1-5/2 * JAN,JUL fri-mon',
        '0 12 1 */3 ?',
        '@HOURLY',
        '  0 1 * * *  ',
      ]
        .map((c, i) => `- name: cron-${i}\n  interval: '${c}'\n  job: j\n`)
        .join('')}`,
    },
  },
  {
    name: 'bad-intervals-in-file',
    // `list` does not validate intervals (neither tool); `sync` does.
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: six-fields\n  interval: '0 0 0 * * *'\n  job: j\n- name: reboot\n  interval: '@reboot'\n  job: j\n- name: words\n  interval: every day\n  job: j\n`,
    },
  },
  {
    name: 'missing-job',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: good-before\n  interval: '@daily'\n  job: j\n- name: orphan\n  interval: '@hourly'\n  job: no-such-job\n- name: good-after\n  interval: '@weekly'\n  job: j\n`,
    },
    brokenSchedules: ['orphan'],
  },
  {
    name: 'duplicate-across-includes',
    files: {
      'meltano.yml': `${HEAD}include_paths: ['./sub_*.yml']\njobs:\n- name: j\n  tasks: [tap-foo target-jsonl]\n`,
      'sub_a.yml': `schedules:\n- name: dup\n  interval: '@daily'\n  job: j\n`,
      'sub_b.yml': `schedules:\n- name: dup\n  interval: '@hourly'\n  job: j\n`,
    },
    bothFail: true,
  },
  {
    name: 'annotations',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\n  annotations:\n    owner: data-team\nschedules:\n- name: annotated\n  interval: '@daily'\n  job: j\n  annotations:\n    temporal:\n      timezone: Europe/Paris\n      overlap: buffer_one\n    airflow:\n      pool: x\n`,
    },
  },
  {
    name: 'bare-string-tasks',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: bare\n  tasks: tap-foo target-jsonl\nschedules:\n- name: bare\n  interval: '@daily'\n  job: bare\n`,
    },
  },
  {
    name: 'empty-project',
    files: { 'meltano.yml': `${HEAD}` },
  },
  {
    name: 'comments-and-flow-style',
    files: {
      'meltano.yml': `${HEAD}jobs:  # the jobs\n- {name: flow-job, tasks: ['tap-foo target-jsonl', 'tap-bar target-csv']}\n# a comment between\nschedules:\n  # indented sequence style\n  - name: flow\n    interval: "0 6 * * 1"   # Mondays\n    job: flow-job\n    env: {A: "1", B: two}\n`,
    },
  },
  {
    name: 'unicode-names',
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: données\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: 日次\n  interval: '@daily'\n  job: données\n`,
    },
  },
  {
    name: 'non-bmp-characters',
    // Outside the Basic Multilingual Plane: Python writes surrogate-pair escapes.
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: "load-😀"\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: "daily-🚀-𝄞"\n  interval: '@daily'\n  job: "load-😀"\n  env:\n    GREETING: "hi 😀, \\U0001F680 and 𝄞"\n    MIXED: "é ✓ 日本 😀"\n`,
    },
  },
  {
    name: 'numbers-in-env',
    // YAML floats stay floats in Python (1.0, 1e+16, 1e-05, Infinity); big ints stay exact.
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: numbers\n  interval: '@daily'\n  job: j\n  env:\n    ONE_POINT_ZERO: 1.0\n    TWO_AND_HALF: 2.50\n    EXP: 1e3\n    BIG_FLOAT: 1e20\n    F16: 1e16\n    F15: 123456789012345.0\n    SMALL: 0.00001\n    SMALLER: 1.5e-7\n    TENTH: 0.1\n    NEG_ZERO: -0.0\n    INF: .inf\n    NEG_INF: -.inf\n    NAN: .nan\n    INT: 42\n    BIG_INT: 12345678901234567890\n    NEG_BIG_INT: -98765432109876543210\n    HEX: 0x1F\n    OCT: 0o17\n    LIST: [1, 2.0, 3.25]\n`,
    },
  },
  {
    name: 'non-string-intervals',
    // Unquoted, YAML reads these as numbers and booleans: Meltano lists them as written (`[42]`, `"interval": 42`),
    // with no cron_interval for the ones Python finds false; sync refuses them (no cron can be made of them).
    files: {
      'meltano.yml': `${HEAD}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: n42\n  interval: 42\n  job: j\n- name: zero\n  interval: 0\n  job: j\n- name: yes\n  interval: true\n  job: j\n- name: no\n  interval: false\n  job: j\n- name: float\n  interval: 1.50\n  job: j\n- name: one-point-zero\n  interval: 1.0\n  job: j\n- name: hex\n  interval: 0x1F\n  job: j\n- name: elt-42\n  interval: 42\n  extractor: tap-foo\n  loader: target-jsonl\n  transform: skip\n`,
    },
  },
  {
    name: 'schedule-order-across-files',
    files: {
      'meltano.yml': `${HEAD}include_paths: ['./z.yml', './a.yml']\njobs:\n- name: j\n  tasks: [tap-foo target-jsonl]\nschedules:\n- name: from-main\n  interval: '@daily'\n  job: j\n`,
      'z.yml': `schedules:\n- name: from-z\n  interval: '@daily'\n  job: j\n`,
      'a.yml': `schedules:\n- name: from-a\n  interval: '@daily'\n  job: j\n`,
    },
  },
];
