/**
 * `workflows check`: before a change to a custom workflow is deployed, replay
 * the recent runs of each custom workflow type (from the server) against the
 * code as it is now (the SDK's replayer on a fresh bundle) and name every run
 * the change would break: a run that started on the old code and would meet
 * different commands on the new one fails its next workflow task for ever.
 */
import type { Client } from '@temporalio/client';
import { workflowNames, type CustomWorkflows } from '../project/custom-workflows.js';
import { bundleCustomWorkflows, type BundleProblem } from './custom-bundle.js';
import { dataConverter } from './connection.js';
import { workerSdk } from './sdk.js';

export interface CheckedRun {
  workflowType: string;
  workflowId: string;
  runId: string;
  status: string;
  /** Undefined: it replays on the current code. */
  error?: string;
}

export interface CheckReport {
  /** The files do not bundle: nothing was replayed. */
  problems?: BundleProblem[];
  runs: CheckedRun[];
}

const quote = (v: string): string => `"${v.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"')}"`;

/** Replay the last `perType` runs of each custom workflow type on `taskQueue`. */
export async function checkWorkflows(
  client: Client,
  projectRoot: string,
  custom: CustomWorkflows,
  options: { taskQueue: string; perType: number; onRun?: (run: CheckedRun) => void },
): Promise<CheckReport> {
  const bundle = await bundleCustomWorkflows(projectRoot, custom);
  if (bundle.problems) return { problems: bundle.problems, runs: [] };
  const listed: Array<Omit<CheckedRun, 'error'>> = [];
  for (const workflowType of workflowNames(custom)) {
    const query = `WorkflowType=${quote(workflowType)} AND TaskQueue=${quote(options.taskQueue)}`;
    let n = 0;
    for await (const wf of client.workflow.list({ query, pageSize: options.perType })) {
      listed.push({ workflowType, workflowId: wf.workflowId, runId: wf.runId, status: wf.status.name });
      if (++n >= options.perType) break;
    }
  }
  if (!listed.length) return { runs: [] };
  const byRun = new Map(listed.map((r) => [`${r.workflowId}/${r.runId}`, r]));
  async function* histories() {
    for (const r of listed) {
      const history = await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
      yield { workflowId: r.workflowId, history };
    }
  }
  const dc = await dataConverter();
  const runs: CheckedRun[] = [];
  const { Worker } = workerSdk();
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { code: bundle.code }, ...(dc ? { dataConverter: dc } : {}) },
    histories(),
  )) {
    const base = byRun.get(`${result.workflowId}/${result.runId}`) ?? {
      workflowType: '?',
      workflowId: result.workflowId,
      runId: result.runId,
      status: '?',
    };
    const run: CheckedRun = { ...base, ...(result.error ? { error: result.error.message.split('\n')[0] } : {}) };
    runs.push(run);
    options.onRun?.(run);
  }
  return { runs };
}
