/**
 * The generated Meltano project of the listing benchmarks: COUNT jobs of one
 * task and COUNT schedules (one per job, with env), over a mix of interval
 * presets and crons. Written to a new temporary directory, returned.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PRESETS = ['@hourly', '@daily', '@weekly', '0 */6 * * *', '15 3 * * MON-FRI', '@once'];

export function writeBigProject(count: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-list-'));
  let yml =
    'default_environment: dev\nenvironments:\n- name: dev\nplugins:\n  extractors:\n  - name: tap-x\n    namespace: tap_x\n    pip_url: tap-x\n  loaders:\n  - name: target-y\n    namespace: target_y\n    pip_url: target-y\njobs:\n';
  for (let i = 0; i < count; i++) yml += `- name: job-${i}\n  tasks:\n  - tap-x target-y\n`;
  yml += 'schedules:\n';
  for (let i = 0; i < count; i++)
    yml += `- name: schedule-${i}\n  interval: '${PRESETS[i % PRESETS.length]}'\n  env:\n    RUN: '${i}'\n  job: job-${i}\n`;
  writeFileSync(path.join(dir, 'meltano.yml'), yml);
  return dir;
}
