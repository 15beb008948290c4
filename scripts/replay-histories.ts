/**
 * Replay recorded histories against the built workflow bundle: before
 * deploying a workflow change, it proves runs already in flight will finish
 * on the new workers. Files hold a `temporal.api.history.v1.History` in
 * protobuf binary (`.binpb`), as the client's `handle.fetchHistory()` returns
 * it, encoded. Usage: node dist/scripts/replay-histories.js FILE.binpb...
 * (exit 1 on any failure)
 */
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WORKFLOW_BUNDLE } from '../src/temporal/worker.js';

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const history = proto.temporal.api.history.v1.History.decode(readFileSync(file));
    await Worker.runReplayHistory({ workflowBundle: { codePath: WORKFLOW_BUNDLE } }, history, path.basename(file));
    console.log(`ok      ${file}`);
  } catch (err) {
    failed++;
    console.log(`FAILED  ${file}: ${(err as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
