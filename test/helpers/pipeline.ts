/**
 * A Meltano project with a tiny Singer tap and target written for the tests
 * (plain Python, no network, no install): `tap-count` emits numbered rows
 * from its state bookmark on, `target-lines` appends them to a file and
 * emits state. Behaviour is steered by environment variables, which the
 * schedules' `env` sets, so the tests also prove env reaches the plugins:
 * TAP_COUNT_FAIL_FILE (fail the first TAP_COUNT_FAIL_TIMES attempts),
 * TAP_COUNT_FAIL_WHILE (fail while that file exists), TAP_COUNT_MARK_FILE
 * (+ TAP_COUNT_LABEL: one line per run), TAP_COUNT_SLEEP, TAP_COUNT_ROWS, TAP_COUNT_ENV_FILE
 * (its whole environment, as JSON).
 * `pluginEnv` gives `tap-count-b` its own env (Meltano's plugin `env:`).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from './project.js';

const TAP = `#!/usr/bin/env python3
import json, os, subprocess, sys, time
args = sys.argv[1:]
stream = os.environ.get('TAP_COUNT_STREAM', 'numbers')
schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
if '--discover' in args:
    print(json.dumps({"streams": [{"tap_stream_id": stream, "stream": stream, "schema": schema,
        "metadata": [{"breadcrumb": [], "metadata": {"selected": True}}]}]}))
    sys.exit(0)
env_file = os.environ.get('TAP_COUNT_ENV_FILE')
if env_file:
    with open(env_file, 'w') as f: json.dump(dict(os.environ), f, indent=1, sort_keys=True)
if os.environ.get('TAP_COUNT_ECHO'):
    sys.stderr.write(os.environ['TAP_COUNT_ECHO'] + '\\n')
mark = os.environ.get('TAP_COUNT_MARK_FILE')
if mark:
    with open(mark, 'a') as f: f.write(os.environ.get('TAP_COUNT_LABEL', 'run') + '\\n')
fail_file = os.environ.get('TAP_COUNT_FAIL_FILE')
if fail_file:
    # Fail while fewer than TAP_COUNT_FAIL_TIMES attempts have been made.
    n = int(open(fail_file).read()) if os.path.exists(fail_file) else 0
    with open(fail_file, 'w') as f: f.write(str(n + 1))
    if n < int(os.environ.get('TAP_COUNT_FAIL_TIMES', '1')):
        sys.stderr.write('tap-count: failing on purpose (attempt %d)\\n' % (n + 1)); sys.exit(1)
fail_while = os.environ.get('TAP_COUNT_FAIL_WHILE')
if fail_while and os.path.exists(fail_while):
    # Fail while the flag file exists; print TAP_COUNT_SECRET so tests see it masked.
    sys.stderr.write('tap-count: failing while %s exists (token %s)\\n' % (fail_while, os.environ.get('TAP_COUNT_SECRET', '-'))); sys.exit(1)
pid_file = os.environ.get('TAP_COUNT_PID_FILE')
if pid_file:
    child = subprocess.Popen(['sleep', '300'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(pid_file, 'w') as f: f.write('%d %d\\n' % (os.getpid(), child.pid))
state = {}
if '--state' in args:
    with open(args[args.index('--state') + 1]) as f: state = json.load(f)
start = state.get('bookmarks', {}).get(stream, {}).get('n', 0)
count = int(os.environ.get('TAP_COUNT_ROWS', '3'))
time.sleep(float(os.environ.get('TAP_COUNT_SLEEP', '0')))
print(json.dumps({"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": ["n"]}))
# TAP_COUNT_ROW_SLEEP: a slow tap that reports each row as it goes (a METRIC per row), like a long extraction.
row_sleep = float(os.environ.get('TAP_COUNT_ROW_SLEEP', '0'))
def metric(value):
    sys.stderr.write('METRIC: ' + json.dumps({"type": "counter", "metric": "record_count", "value": value, "tags": {"stream": stream}}) + '\\n')
    sys.stderr.flush()
for i in range(start + 1, start + count + 1):
    print(json.dumps({"type": "RECORD", "stream": stream, "record": {"n": i}}))
    if row_sleep:
        sys.stdout.flush(); metric(1); time.sleep(row_sleep)
print(json.dumps({"type": "STATE", "value": {"bookmarks": {stream: {"n": start + count}}}}))
sys.stdout.flush()
if not row_sleep:
    metric(count)
`;

const TARGET = `#!/usr/bin/env python3
import json, os, sys
with open(os.environ.get('TARGET_LINES_FILE', 'out.jsonl'), 'a') as out:
    for line in sys.stdin:
        msg = json.loads(line)
        if msg['type'] == 'RECORD':
            out.write(json.dumps(msg['record']) + '\\n')
        elif msg['type'] == 'STATE':
            out.flush()
            print(json.dumps(msg['value'])); sys.stdout.flush()
`;

/** `__DIR__` in the schedules or jobs text stands for the project directory. */
export function pipelineProject(schedules: string, jobs?: string, pluginEnv?: Record<string, string>): string {
  const dir = makeProject({});
  mkdirSync(path.join(dir, 'bin'));
  for (const [name, text] of [
    ['tap-count', TAP],
    ['target-lines', TARGET],
  ] as const) {
    writeFileSync(path.join(dir, 'bin', name), text);
    chmodSync(path.join(dir, 'bin', name), 0o755);
  }
  const defaultJobs = `- name: count
  tasks:
  - tap-count target-lines
  - tap-count target-lines
`;
  writeFileSync(
    path.join(dir, 'meltano.yml'),
    `default_environment: dev
environments:
- name: dev
plugins:
  extractors:
  - name: tap-count
    namespace: tap_count
    executable: ${path.join(dir, 'bin', 'tap-count')}
    capabilities: [catalog, discover, state]
  - name: tap-count-b
    inherit_from: tap-count
${
  pluginEnv
    ? `    env:\n${Object.entries(pluginEnv)
        .map(([k, v]) => `      ${k}: '${v}'\n`)
        .join('')}`
    : ''
}  loaders:
  - name: target-lines
    namespace: target_lines
    executable: ${path.join(dir, 'bin', 'target-lines')}
jobs:
${jobs ?? defaultJobs}schedules:
${schedules}`.replaceAll('__DIR__', dir),
  );
  return dir;
}
