/**
 * Build step: the prebuilt workflow bundle the worker loads (dist/workflow-bundle.js), so a
 * worker never runs webpack at start. The SDK inlines a source map with a copy of every bundled
 * source file; the worker keeps that map in memory twice (parsed in the main thread, and in the
 * workflow thread for stack traces), so the copies are left out: stack traces keep their file
 * names and lines (bench/worker-memory.ts shows the difference).
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WORKFLOW_BUNDLE } from '../src/temporal/worker.js';
import { withoutSourceTexts } from './workflow-bundle-map.js';

const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.js', import.meta.url)),
  logger: {
    log: () => {},
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (m) => console.warn(m),
    error: (m) => console.error(m),
  },
});
const bundle = withoutSourceTexts(code);
writeFileSync(WORKFLOW_BUNDLE, bundle);
console.error(
  `workflow bundle: ${WORKFLOW_BUNDLE} (${(bundle.length / 1024).toFixed(0)} KiB; ${(code.length / 1024).toFixed(0)} KiB with the source texts)`,
);
