/**
 * The schedules of one project in Temporal, built once from
 * `{client, project, scope}`: look one up, describe it (with its drift from
 * meltano.yml), trigger, pause, backfill, plan and apply a sync, remove.
 * Every Temporal call about schedules goes through here.
 */
import type { Client, ScheduleHandle } from '@temporalio/client';
import { ScheduleNotInEnvironmentError, ScheduleNotInProjectError, ScheduleNotSyncedError } from '../errors.js';
import { notInEnvironment, temporalAnnotations } from './annotations.js';
import { findSchedule, type Project, type ScheduleDef } from '../project/model.js';
import type { MeltanoRunOptions } from '../meltano/run-options.js';
import { effectiveStallTimeout } from './stall-timeout.js';
import { desiredSchedule, scheduleId } from './schedule-mapping.js';
import { mappingContext, type Scope } from './scope.js';
import { activityPollers } from './task-queue.js';
import { triggerAndFindRun, type TriggerOutcome } from './trigger.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { applySync, type ApplyOptions } from './sync/apply.js';
import { scheduleDrift } from './sync/drift.js';
import type { PlanOptions, SyncPlan } from './sync/plan.js';
import { planSync } from './sync/plan-sync.js';
import { deleteSchedule } from './sync/remove.js';
import { syncReport, type SyncReport } from './sync/report.js';
import { syncServer } from './sync/server.js';
import { clientSdk } from './sdk.js';

export interface ScheduleServiceDeps {
  client: Client;
  project: Project;
  scope: Scope;
}

/** What `schedule describe --format=json` prints. */
export interface ScheduleView {
  name: string;
  scheduleId: string;
  interval: string;
  cron: string | null;
  job: string;
  paused: boolean;
  note: string | null;
  overlap: string | undefined;
  catchupWindowMs: number;
  nextRuns: string[];
  recentRuns: Array<{ scheduledAt: string; takenAt: string; workflowId: string }>;
  running: string[];
  drift: string[];
  /** `pause_after_failures` from meltano.yml; null when not set. */
  pauseAfterFailures: number | null;
  /** The stall_timeout its tasks get and where it is set (the schedule, its job, the project); null: none. */
  stallTimeout: { value: string; source: string } | null;
  /** The queue its runs go to (annotations.temporal.task_queue, else the scope's) and the workers polling it. */
  taskQueue: string;
  pollers: string[];
}

/** One line of `up`'s overview: a schedule and its next run, or why it is not in Temporal. */
export interface ScheduleOverview {
  name: string;
  interval: string | null;
  inTemporal: boolean;
  next?: Date;
  paused: boolean;
}

export type BackfillOverlap = 'BUFFER_ALL' | 'ALLOW_ALL' | 'SKIP' | 'BUFFER_ONE' | 'CANCEL_OTHER' | 'TERMINATE_OTHER';

export class ScheduleService {
  readonly client: Client;
  readonly project: Project;
  readonly scope: Scope;

  constructor(deps: ScheduleServiceDeps) {
    this.client = deps.client;
    this.project = deps.project;
    this.scope = deps.scope;
  }

  get namespace(): string {
    return this.client.options.namespace;
  }

  /** The Temporal Schedule id of a meltano schedule in this scope. */
  idOf(name: string): string {
    return scheduleId(this.scope.projectKey, this.scope.environment, name);
  }

  /**
   * The schedule's entry in meltano.yml.
   * @throws {ScheduleNotInProjectError} no schedule of that name in the project
   */
  require(name: string): ScheduleDef {
    const schedule = findSchedule(this.project, name);
    if (!schedule) throw new ScheduleNotInProjectError(name);
    return schedule;
  }

  /**
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} in meltano.yml but not in Temporal
   */
  private async described(name: string) {
    this.require(name);
    const { ScheduleNotFoundError: NotOnServer } = clientSdk();
    const id = this.idOf(name);
    const handle = this.client.schedule.getHandle(id);
    try {
      return { id, handle, description: await handle.describe() };
    } catch (err) {
      if (err instanceof NotOnServer) {
        this.requireInEnvironment(name);
        throw new ScheduleNotSyncedError(name, id, this.namespace, { cause: err });
      }
      throw err;
    }
  }

  /**
   * @throws {ScheduleNotInEnvironmentError} its annotations.temporal.environments leaves this environment out
   */
  private requireInEnvironment(name: string): void {
    let annotations;
    try {
      annotations = temporalAnnotations(this.require(name));
    } catch {
      return; // an invalid entry is sync's and describe's to report
    }
    const reason = notInEnvironment(annotations, this.scope.environment);
    if (reason)
      throw new ScheduleNotInEnvironmentError(
        name,
        this.scope.environment ?? 'default',
        reason,
        annotations.environments ?? [],
      );
  }

  private async handle(name: string): Promise<{ id: string; handle: ScheduleHandle }> {
    const { id, handle } = await this.described(name);
    return { id, handle };
  }

  /**
   * The schedule as the server holds it, next to meltano.yml.
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} not in Temporal
   * @throws {ProjectFileError} its entry in meltano.yml is invalid
   */
  async describe(name: string): Promise<ScheduleView> {
    const { id, description } = await this.described(name);
    const desired = desiredSchedule(mappingContext(this.project, this.scope), this.require(name));
    return {
      name,
      scheduleId: id,
      interval: desired.summary.interval as string,
      cron: desired.cron,
      job: desired.job,
      paused: description.state.paused,
      note: description.state.note ?? null,
      overlap: description.policies.overlap,
      catchupWindowMs: description.policies.catchupWindow,
      nextRuns: description.info.nextActionTimes.map((t) => t.toISOString()),
      recentRuns: description.info.recentActions.map((a) => ({
        scheduledAt: a.scheduledAt.toISOString(),
        takenAt: a.takenAt.toISOString(),
        workflowId: a.action.workflow.workflowId,
      })),
      running: description.info.runningActions.map((a) => a.workflow.workflowId),
      drift: scheduleDrift(description, desired),
      pauseAfterFailures: desired.annotations.pauseAfterFailures ?? null,
      stallTimeout: effectiveStallTimeout(this.project, { schedule: desired.schedule }) ?? null,
      taskQueue: desired.taskQueue,
      pollers: await activityPollers(this.client, desired.taskQueue),
    };
  }

  /**
   * Trigger a run now with the schedule's own overlap policy, and find the run it started.
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} not in Temporal
   */
  async trigger(name: string): Promise<TriggerOutcome & { scheduleId: string }> {
    const { id, handle } = await this.handle(name);
    return { ...(await triggerAndFindRun(handle)), scheduleId: id };
  }

  /**
   * Start a run now with `meltano run` options. A trigger can only repeat the
   * schedule's action, so the run is started directly from that action (see
   * manual-run.ts); none is started while one of the schedule's runs is in
   * progress, unless its overlap policy is allow_all.
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} not in Temporal
   */
  async runWithOptions(name: string, runOptions: MeltanoRunOptions): Promise<TriggerOutcome & { scheduleId: string }> {
    const { id, description } = await this.described(name);
    const running = description.info.runningActions.map((a) => a.workflow.workflowId);
    const overlap = description.policies.overlap;
    if (running.length && overlap !== 'ALLOW_ALL') return { running, overlap, scheduleId: id };
    const { startManualRun } = await import('./manual-run.js');
    const { workflowId } = await startManualRun(this.client, description, runOptions);
    return { started: workflowId, running, overlap, scheduleId: id };
  }

  /**
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} not in Temporal
   */
  async pause(name: string, note: string): Promise<string> {
    const { id, handle } = await this.handle(name);
    await handle.pause(note);
    return id;
  }

  /**
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} not in Temporal
   */
  async unpause(name: string, note: string): Promise<string> {
    const { id, handle } = await this.handle(name);
    await handle.unpause(note);
    return id;
  }

  /**
   * Run the schedule for every time its spec matches between start and end.
   * @throws {ScheduleNotInProjectError} not in meltano.yml
   * @throws {ScheduleNotSyncedError} not in Temporal
   */
  async backfill(name: string, range: { start: Date; end: Date; overlap: BackfillOverlap }): Promise<string> {
    const { id, handle } = await this.handle(name);
    await handle.backfill([range]);
    return id;
  }

  /**
   * What a sync would change (nothing is changed: a dry run shows this).
   * A broken schedule becomes an error item; the others are still planned.
   */
  planSync(options: PlanOptions = {}): Promise<SyncPlan> {
    return planSync(syncServer(this.client), mappingContext(this.project, this.scope), options);
  }

  /** Apply a plan; an item that fails is reported as an error and the others still apply. */
  applySync(plan: SyncPlan, options: ApplyOptions = {}): Promise<SyncReport> {
    return applySync(syncServer(this.client), mappingContext(this.project, this.scope), plan, options);
  }

  /** The report of a plan that is shown, not applied. */
  dryRunReport(plan: SyncPlan): SyncReport {
    return syncReport(plan, plan.items, true);
  }

  /**
   * Delete the Temporal Schedule of a schedule gone from meltano.yml (`checkOnly`: only check that it may be).
   * @returns false when there was none
   * @throws {ScheduleOwnedElsewhereError} the schedule at its id belongs to another project
   */
  remove(name: string, options: { checkOnly?: boolean } = {}): Promise<boolean> {
    return deleteSchedule(this.client, mappingContext(this.project, this.scope), name, options);
  }

  /** Register the search attributes runs carry, when the namespace lacks them; returns those added. */
  registerSearchAttributes(): Promise<string[]> {
    return ensureSearchAttributes(this.client);
  }

  /** Workers polling this scope's task queue (`pid@host`). */
  pollers(): Promise<string[]> {
    return activityPollers(this.client, this.scope.taskQueue);
  }

  /** Each schedule of the project with its next run (for `up`). */
  async overview(): Promise<ScheduleOverview[]> {
    return Promise.all(
      this.project.schedules.map(async (s): Promise<ScheduleOverview> => {
        try {
          const d = await this.client.schedule.getHandle(this.idOf(s.name)).describe();
          const next = d.info.nextActionTimes[0];
          return {
            name: s.name,
            interval: s.interval,
            inTemporal: true,
            paused: d.state.paused,
            ...(next ? { next } : {}),
          };
        } catch {
          return { name: s.name, interval: s.interval, inTemporal: false, paused: false };
        }
      }),
    );
  }
}
