/**
 * The wheel's Python launcher (python/meltano_temporal/launcher.py): its own unit tests,
 * python/tests/test_launcher.py (Node resolution order, exec in place, arguments passed
 * through unchanged, the EDK extension commands), run here so that `npm test` runs them.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/run.js';

describe('the meltano-temporal launcher (python -m unittest)', () => {
  it('passes every case of python/tests', async () => {
    const r = await execa(
      'python3',
      ['-m', 'unittest', 'discover', '-v', '-s', path.join(REPO_ROOT, 'python', 'tests')],
      {
        cwd: REPO_ROOT,
        reject: false,
        stdin: 'ignore',
        env: { PYTHONDONTWRITEBYTECODE: '1' },
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    // unittest reports on stderr: every case ok, and how many ran (a discovery that finds nothing fails here).
    const ran = Number(/^Ran (\d+) tests? in /mu.exec(r.stderr)?.[1] ?? 0);
    expect(ran).toBeGreaterThanOrEqual(11);
    expect(r.stderr.match(/ \.\.\. ok$/gmu)).toHaveLength(ran);
    expect(r.stderr).toMatch(/\nOK\n?$/u);
  });
});
