/**
 * The wire contract pinned: these names are in recorded histories, schedules
 * on servers and visibility records, so each value is written out here once
 * more. A change to one of them fails this test before it breaks a replay.
 */
import { describe, expect, it } from 'vitest';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import {
  ACTIVITY,
  ENCRYPTED_PAYLOAD,
  FAILURE,
  logQueueOf,
  MANAGED_BY,
  PATCH,
  progressQuery,
  READ_LOGS_WORKFLOW_TYPE,
  REGISTERED_SEARCH_ATTRIBUTES,
  SEARCH_ATTRIBUTE,
  SEARCH_ATTRIBUTE_NAMES,
  SYNC_HASH_ATTRIBUTE,
  TASK_QUEUE_DEFAULT,
  taskRowsSignal,
  WORKFLOW_TYPE,
  AFTER_ACTIVITY,
  AFTER_PATCH,
  GROUP_PATCH,
  AFTER_WORKFLOW_TYPE,
  afterStateQuery,
  upstreamSucceededSignal,
  POOL_ACTIVITY,
  POOL_PATCH,
  POOL_WORKFLOW_TYPE,
  poolAcquireSignal,
  poolGrantedSignal,
  poolReleaseSignal,
  poolStateQuery,
  poolWaitingSignal,
} from '../../workflows/contract.js';
import { createPoolActivities } from '../../activities/pool.js';
import { createAfterActivities } from '../../activities/after.js';
import * as workflows from '../../workflows/index.js';
import { createActivities, createLogActivities } from '../../activities/index.js';

describe('wire contract', () => {
  it('workflow type and default task queue', () => {
    expect([WORKFLOW_TYPE, TASK_QUEUE_DEFAULT]).toEqual(['meltanoJob', 'meltano']);
  });

  it('the workflow module exports the workflows under their type names, and nothing else as a function', () => {
    const functions = Object.entries(workflows).filter(([, v]) => typeof v === 'function');
    expect(functions.map(([k]) => k).sort()).toEqual(
      [WORKFLOW_TYPE, POOL_WORKFLOW_TYPE, AFTER_WORKFLOW_TYPE, READ_LOGS_WORKFLOW_TYPE].sort(),
    );
    expect(POOL_WORKFLOW_TYPE).toBe('meltanoPool');
  });

  it('pools: activity names (the keys the worker registers), signals, query and patch id', () => {
    expect(POOL_ACTIVITY).toEqual({ requestPoolSlot: 'requestPoolSlot', closedPoolHolders: 'closedPoolHolders' });
    expect(Object.keys(createPoolActivities()).sort()).toEqual(Object.values(POOL_ACTIVITY).sort());
    expect(poolAcquireSignal).toEqual(defineSignal('poolAcquire'));
    expect(poolReleaseSignal).toEqual(defineSignal('poolRelease'));
    expect(poolGrantedSignal).toEqual(defineSignal('poolGranted'));
    expect(poolWaitingSignal).toEqual(defineSignal('poolWaiting'));
    expect(poolStateQuery).toEqual(defineQuery('poolState'));
    expect(POOL_PATCH).toBe('pool-v1');
  });

  it('after: the coordinator type, activity names (the keys the worker registers), signal, query and patch id', () => {
    expect(AFTER_WORKFLOW_TYPE).toBe('meltanoAfter');
    expect(AFTER_ACTIVITY).toEqual({
      releaseDownstream: 'releaseDownstream',
      startDownstreamRun: 'startDownstreamRun',
    });
    expect(Object.keys(createAfterActivities()).sort()).toEqual(Object.values(AFTER_ACTIVITY).sort());
    expect(upstreamSucceededSignal).toEqual(defineSignal('upstreamSucceeded'));
    expect(afterStateQuery).toEqual(defineQuery('afterState'));
    expect(AFTER_PATCH).toBe('after-v1');
  });

  it('parallel groups: the patch id', () => {
    expect(GROUP_PATCH).toBe('parallel-group-v1');
  });

  it('activity names are the keys the worker registers', () => {
    expect(ACTIVITY).toEqual({
      resolveJob: 'resolveJob',
      runMeltanoTask: 'runMeltanoTask',
      notifyRun: 'notifyRun',
      pauseAfterFailures: 'pauseAfterFailures',
      readTaskLog: 'readTaskLog',
    });
    const registered = [
      ...Object.keys(createActivities({ projectRoot: '/nowhere' })),
      ...Object.keys(createLogActivities({ projectRoot: '/nowhere' })),
    ];
    expect(registered.sort()).toEqual(Object.values(ACTIVITY).sort());
  });

  it('the log reader: its workflow type and the log queue of a worker identity', () => {
    expect(READ_LOGS_WORKFLOW_TYPE).toBe('readTaskLogs');
    expect(logQueueOf('41@host-b')).toBe('meltano-temporal-logs@41@host-b');
  });

  it('failure types', () => {
    expect(FAILURE).toEqual({
      taskFailed: 'MeltanoTaskFailed',
      meltanoConfig: 'MeltanoConfigError',
      meltanoAlreadyRunning: 'MeltanoAlreadyRunning',
      meltanoTask: 'MeltanoTaskError',
      taskStalled: 'MeltanoTaskStalled',
      webhookRejected: 'WebhookRejected',
      webhookUnavailable: 'WebhookUnavailable',
      webhookConfig: 'WebhookConfigError',
    });
  });

  it('query and signal are what defineQuery and defineSignal make of their names', () => {
    expect(progressQuery).toEqual(defineQuery('progress'));
    expect(taskRowsSignal).toEqual(defineSignal('taskRows'));
  });

  it('patch ids', () => {
    expect(PATCH).toEqual({
      localResolve: 'local-resolve-v1',
      notify: 'notify-v1',
      localNotify: 'local-notify-v1',
      pauseAfterFailures: 'pause-after-failures-v1',
      skipTasks: 'skip-tasks-v1',
    });
  });

  it('search attribute keys are what defineSearchAttributeKey makes of their names and types', () => {
    const { KEYWORD, DATETIME } = SearchAttributeType;
    expect(SEARCH_ATTRIBUTE).toEqual({
      project: defineSearchAttributeKey('MeltanoProject', KEYWORD),
      schedule: defineSearchAttributeKey('MeltanoSchedule', KEYWORD),
      job: defineSearchAttributeKey('MeltanoJob', KEYWORD),
      environment: defineSearchAttributeKey('MeltanoEnvironment', KEYWORD),
      syncHash: defineSearchAttributeKey('MeltanoSyncHash', KEYWORD),
      scheduledById: defineSearchAttributeKey('TemporalScheduledById', KEYWORD),
      scheduledStartTime: defineSearchAttributeKey('TemporalScheduledStartTime', DATETIME),
    });
    expect(SEARCH_ATTRIBUTE_NAMES).toEqual(['MeltanoProject', 'MeltanoSchedule', 'MeltanoJob', 'MeltanoEnvironment']);
    expect(SYNC_HASH_ATTRIBUTE).toBe('MeltanoSyncHash');
    expect(REGISTERED_SEARCH_ATTRIBUTES).toEqual([...SEARCH_ATTRIBUTE_NAMES, 'MeltanoSyncHash']);
  });

  it('the ownership mark in schedule memos, and the metadata of encrypted payloads', () => {
    expect(MANAGED_BY).toBe('meltano-temporal');
    expect(ENCRYPTED_PAYLOAD).toEqual({ encoding: 'binary/encrypted', keyId: 'meltano-temporal' });
  });
});
