/** Build step: the prebuilt workflow bundle the worker loads (dist/workflow-bundle.js). */
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WORKFLOW_BUNDLE } from '../src/temporal/worker.js';

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
writeFileSync(WORKFLOW_BUNDLE, code);
console.error(`workflow bundle: ${WORKFLOW_BUNDLE} (${(code.length / 1024).toFixed(0)} KiB)`);
