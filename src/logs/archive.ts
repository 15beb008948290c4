/**
 * The shared log archive: with MELTANO_TEMPORAL_LOG_ARCHIVE set to a folder
 * every host mounts (NFS, a shared volume), each worker copies every finished
 * task log there, `<archive>/<run folder>/task-N-attempt-K.log`, so
 * `runs logs` reads it after that worker is gone. The worker prunes it with
 * the same retention as its own logs (retention.ts).
 */
import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { runDirName } from '../meltano/task-logs.js';

export const LOG_ARCHIVE_ENV = 'MELTANO_TEMPORAL_LOG_ARCHIVE';

/** The archive folder from the environment (absolute; a relative one is taken from the current folder). */
export function logArchiveDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[LOG_ARCHIVE_ENV]?.trim();
  return value ? path.resolve(value) : undefined;
}

/** A run's folder in the archive. */
export function archivedRunDir(archive: string, workflowId: string): string {
  return path.join(archive, runDirName(workflowId));
}

/**
 * Copy one finished task log into the archive. Written under a temporary
 * name and renamed, so a reader on another host never sees half a file.
 */
export async function archiveTaskLog(archive: string, workflowId: string, file: string): Promise<string> {
  const dir = archivedRunDir(archive, workflowId);
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, path.basename(file));
  const partial = `${target}.${process.pid}.partial`;
  await copyFile(file, partial);
  await rename(partial, target);
  return target;
}
