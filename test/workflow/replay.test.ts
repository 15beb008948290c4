/**
 * Replay safety: histories recorded with the workflow as it was before
 * notifications (main at 8310498, its built bundle; `temporal workflow show
 * --output json`) replay with today's bundle without a determinism error.
 * Their `resolveJob` result already carries a notify plan, as when a new
 * worker's activity served a run of the old workflow: `patched('notify-v1')`
 * keeps the new commands out of such runs.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT, requireFile } from '../helpers/run.js';

const BUNDLE = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');
const HISTORIES = path.join(REPO_ROOT, 'test', 'fixtures', 'histories');

/**
 * History JSON to the proto History. The SDK's own `historyFromJSON` fails here with "type must be a
 * Type": @temporalio/common and @temporalio/proto each install their own copy of protobufjs 8, and the
 * JSON reader of one does not accept the other's types. So the reader of @temporalio/proto's copy is used.
 */
function historyFromJson(json: unknown): unknown {
  const fromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
  const { fromJson } = fromProto('protobufjs/ext/protojson') as {
    fromJson: (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => unknown;
  };
  const { patchProtobufRoot } = fromProto('../lib/patch-protobuf-root') as {
    patchProtobufRoot: (root: unknown) => { lookupType(name: string): unknown };
  };
  const root = patchProtobufRoot(fromProto('./index'));
  return fromJson(root.lookupType('temporal.api.history.v1.History'), json, { ignoreUnknownFields: true });
}

describe('replay of runs recorded before notifications', () => {
  it.each(['before-notify-completed', 'before-notify-failed'])('%s replays with the current workflow', async (name) => {
    requireFile(BUNDLE, 'run `npm run build`');
    const json = JSON.parse(readFileSync(path.join(HISTORIES, `${name}.json`), 'utf8')) as { events: unknown[] };
    expect(json.events.length).toBeGreaterThan(10);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: BUNDLE } }, historyFromJson(json), name),
    ).resolves.toBeUndefined();
  });
});
