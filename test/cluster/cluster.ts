/**
 * The self-hosted cluster of deploy/cluster.sh for tests: start it (building
 * it on a fresh machine), read its connection settings, find its processes.
 * A cluster that cannot start fails the test: nothing here skips.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/run.js';

export const CLUSTER_SH = path.join(REPO_ROOT, 'deploy', 'cluster.sh');
export const CLUSTER_DIR = path.join(REPO_ROOT, '.cluster');

export async function clusterCommand(command: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('bash', [CLUSTER_SH, command], { reject: false, stdin: 'ignore', all: false });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `cluster.sh start`, progress on this process's stderr (a cold build takes minutes). */
export async function startCluster(): Promise<void> {
  const r = await execa('bash', [CLUSTER_SH, 'start'], {
    reject: false,
    stdin: 'ignore',
    stdout: 'inherit',
    stderr: 'inherit',
  });
  if (r.exitCode !== 0)
    throw new Error(`bash deploy/cluster.sh start failed (exit ${r.exitCode}): see its output above`);
}

/** The TEMPORAL_* settings `cluster.sh env` prints (export NAME=value lines). */
export async function clusterEnv(): Promise<Record<string, string>> {
  const r = await clusterCommand('env');
  if (r.exitCode !== 0) throw new Error(`cluster.sh env failed: ${r.stderr}`);
  const env: Record<string, string> = {};
  for (const m of r.stdout.matchAll(/^export (\w+)=(.*)$/gmu)) env[m[1] ?? ''] = m[2] ?? '';
  return env;
}

/** Pid of one of the cluster's processes (frontend, history, matching, worker, ui). */
export function clusterPid(service: string): number {
  return Number(readFileSync(path.join(CLUSTER_DIR, 'run', `${service}.pid`), 'utf8').trim());
}

export const UI_PORT = Number(process.env.MT_CLUSTER_UI_PORT ?? Number(process.env.MT_CLUSTER_PORT ?? 17233) + 1000);
