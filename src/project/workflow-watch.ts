/**
 * Watch a project's custom workflows folder (for `up`, which re-bundles and
 * restarts its worker): any `.ts`/`.js` file in it or its subfolders
 * (helpers) added, changed or removed, reported once per burst of events.
 * The folder is watched from its nearest existing ancestor while it does
 * not exist, so creating `orchestrate/workflows/` later is seen too.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface WorkflowWatcher {
  close(): void;
}

export function watchWorkflowFolder(
  dir: string,
  onChange: (files: string[]) => void,
  options: { debounceMs?: number; root: string },
): WorkflowWatcher {
  const debounceMs = options.debounceMs ?? 500;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = new Set<string>();
  const flush = (): void => {
    timer = undefined;
    const files = [...changed].sort();
    changed.clear();
    arm(); // the folder may have appeared (or gone)
    if (files.length) onChange(files);
  };
  const note = (file: string): void => {
    changed.add(path.relative(options.root, file));
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  let watching = '';
  const arm = (): void => {
    if (closed) return;
    let target = dir;
    while (!existsSync(target) && path.dirname(target) !== target) target = path.dirname(target);
    if (target === watching) return;
    watcher?.close();
    watching = target;
    const inFolder = target === dir;
    watcher = watch(target, { recursive: inFolder }, (_event, name) => {
      if (!name) return;
      const file = path.join(target, name.toString());
      if (inFolder ? /\.(ts|js)$/u.test(file) : dir === file || dir.startsWith(`${file}${path.sep}`)) note(file);
    });
    watcher.on('error', () => undefined);
  };
  arm();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
