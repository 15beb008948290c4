/**
 * Reading a run's task logs from disk: the right task's files, masked, and
 * following files that a real writer process is still growing.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secretMasker } from '../../src/meltano/mask.js';
import { listTaskLogs, printTaskLogs, taskLogDir, taskLogPath } from '../../src/meltano/task-logs.js';

const WF = 'meltano:shop:dev:mysql2pg-2026-11-25T10:00:00Z';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mt-logs-'));
  const dir = taskLogDir(root, WF);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return root;
}

describe('task logs', () => {
  it('lives where the worker writes it, the workflow id made file-safe', () => {
    expect(taskLogPath('/p', WF, 0, 2)).toBe(
      '/p/.meltano/logs/temporal/meltano_shop_dev_mysql2pg-2026-11-25T10_00_00Z/task-1-attempt-2.log',
    );
  });

  it('lists task then attempt order (10 after 2), filters one task, ignores other files', () => {
    const root = project({
      'task-10-attempt-1.log': '',
      'task-2-attempt-2.log': '',
      'task-2-attempt-1.log': '',
      'notes.txt': '',
    });
    expect(listTaskLogs(root, WF).map((l) => [l.task, l.attempt])).toEqual([
      [2, 1],
      [2, 2],
      [10, 1],
    ]);
    expect(listTaskLogs(root, WF, 10).map((l) => path.basename(l.file))).toEqual(['task-10-attempt-1.log']);
    expect(listTaskLogs(root, 'no-such-run')).toEqual([]);
  });

  it('prints the chosen task masked; several files get tail-style headers; a last line without newline is kept', async () => {
    const root = project({
      'task-1-attempt-1.log': 'tap-a | password=hunter22 rejected\nfailed\n',
      'task-1-attempt-2.log': 'tap-a | ok with hunter22\nno newline at end',
      'task-2-attempt-1.log': 'dbt | done\n',
    });
    let out = '';
    const mask = secretMasker(['hunter22', 'ab']);
    const printed = await printTaskLogs(root, WF, { task: 1, mask, write: (t) => (out += t) });
    expect(printed.map((l) => l.attempt)).toEqual([1, 2]);
    const dir = taskLogDir(root, WF);
    expect(out).toBe(
      [
        `==> task 1, attempt 1: ${dir}/task-1-attempt-1.log <==`,
        'tap-a | password=*** rejected',
        'failed',
        '',
        `==> task 1, attempt 2: ${dir}/task-1-attempt-2.log <==`,
        'tap-a | ok with ***',
        'no newline at end',
        '',
      ].join('\n'),
    );
    out = '';
    await printTaskLogs(root, WF, { task: 2, mask, write: (t) => (out += t) });
    expect(out).toBe('dbt | done\n'); // one file: no header, like tail
  });

  it('--follow prints lines as a real process writes them, picks up the next attempt, stops when the run is over', async () => {
    const root = project({});
    const first = taskLogPath(root, WF, 0, 1);
    const second = taskLogPath(root, WF, 0, 2);
    // A writer that appends a line every 300 ms, sometimes in two halves, then starts attempt 2.
    const writer = execa('bash', [
      '-c',
      `for i in 1 2 3 4; do printf 'line %s secret-token-1 ' "$i" >> "$1"; sleep 0.15; printf 'end\\n' >> "$1"; sleep 0.15; done
       printf 'attempt two\\n' >> "$2"; sleep 0.5; touch "$1.finished"`,
      'writer',
      first,
      second,
    ]);
    const seen: Array<{ at: number; text: string }> = [];
    const started = Date.now();
    const printed = await printTaskLogs(root, WF, {
      mask: secretMasker(['secret-token-1']),
      write: (text) => seen.push({ at: Date.now() - started, text }),
      follow: {
        done: async () => {
          const { existsSync } = await import('node:fs');
          return existsSync(`${first}.finished`);
        },
        pollMs: 50,
      },
    });
    await writer;
    const out = seen.map((s) => s.text).join('');
    expect(out).toBe(
      [
        `==> task 1, attempt 1: ${first} <==`,
        'line 1 *** end',
        'line 2 *** end',
        'line 3 *** end',
        'line 4 *** end',
        '',
        `==> task 1, attempt 2: ${second} <==`,
        'attempt two',
        '',
      ].join('\n'),
    );
    // Streamed, not read once at the end: the first line arrived long before the last.
    const firstLine = seen.find((s) => s.text.includes('line 1'));
    const lastLine = seen.find((s) => s.text.includes('attempt two'));
    expect((lastLine?.at ?? 0) - (firstLine?.at ?? 0)).toBeGreaterThan(700);
    // Never a half line: every chunk written ends with a newline.
    expect(seen.every((s) => s.text.endsWith('\n'))).toBe(true);
    expect(printed.map((l) => l.attempt)).toEqual([1, 2]);
  });

  it('--follow on a run with no logs yet waits for them; an abort stops it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mt-logs-'));
    const abort = new AbortController();
    setTimeout(() => {
      mkdirSync(taskLogDir(root, WF), { recursive: true });
      writeFileSync(taskLogPath(root, WF, 1, 1), 'late start\n');
      setTimeout(() => abort.abort(), 400);
    }, 300);
    let out = '';
    await printTaskLogs(root, WF, {
      task: 2,
      mask: (l) => l,
      write: (t) => (out += t),
      follow: { done: () => false, signal: abort.signal, pollMs: 50 },
    });
    expect(out).toContain('late start\n');
  });
});
