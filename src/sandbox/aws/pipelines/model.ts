// CodePipeline V2 state: pipelines, their executions moving through stages in simulated time,
// stage transitions, stage rollback (manual and automatic), and the events all of that emits.
import { randomUUID } from 'node:crypto';
import type { ModelContext } from '../context.js';
import { AwsError } from '../errors.js';
import type { ExecutionSpec, PipelineSpec, StageSpec } from '../world/schema.js';

export type ExecutionStatus =
  | 'InProgress'
  | 'Stopping'
  | 'Stopped'
  | 'Succeeded'
  | 'Superseded'
  | 'Failed'
  | 'Cancelled';
export type StageRunStatus =
  | 'InProgress'
  | 'Stopping'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped'
  | 'Cancelled';
export type ActionRunStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';

export interface Revision {
  id: string;
  message?: string | undefined;
  author?: string | undefined;
  url?: string | undefined;
  actionName?: string | undefined;
}

export interface ExecutionOutcome {
  /** This stage fails (its first action of the first run order, unless `failAction` names one). */
  failStage?: string;
  /** This action fails. */
  failAction?: string;
  /** After the execution succeeds, this alarm goes to ALARM `afterMs` later (simulated). */
  alarmAfterSuccess?: { alarm: string; afterMs: number };
}

export interface ActionRun {
  name: string;
  actionExecutionId: string;
  status: ActionRunStatus;
  startTime: number;
  endTime?: number;
  summary?: string;
  externalExecutionId?: string;
}

export interface StageRun {
  status: StageRunStatus;
  startTime: number;
  endTime?: number;
  actions: ActionRun[];
}

export interface Execution {
  id: string;
  pipelineName: string;
  region: string;
  pipelineVersion: number;
  status: ExecutionStatus;
  statusSummary?: string;
  startTime: number;
  lastUpdateTime: number;
  executionType: 'STANDARD' | 'ROLLBACK';
  rollbackTargetId?: string;
  trigger: { triggerType: string; triggerDetail?: string };
  stopTrigger?: { reason: string };
  executionMode: string;
  revision: Revision;
  variables: Record<string, string>;
  stages: Map<string, StageRun>;
  /** Stages this execution runs, in order (a rollback runs one). */
  plan: string[];
  /** Index in `plan` of the stage it is in or waiting for. */
  position: number;
  /** Stage whose inbound transition (or occupancy) it waits at. */
  waitingFor?: string;
  outcome?: ExecutionOutcome;
  stopRequested?: boolean;
  /** Bumped on abandon so scheduled work for the old run is ignored. */
  epoch: number;
}

export interface Transition {
  enabled: boolean;
  disabledReason?: string;
  lastChangedBy?: string;
  lastChangedAt?: number;
}

export interface Pipeline {
  spec: PipelineSpec;
  name: string;
  region: string;
  version: number;
  created: number;
  updated: number;
  transitions: Map<string, Transition>;
  executions: Execution[];
  /** Stage → id of the execution running in it. */
  occupant: Map<string, string>;
  /** Stage → ids of executions waiting to enter it, oldest first. */
  waiting: Map<string, string[]>;
  /** Stage → id of the latest execution that entered it. */
  latestInStage: Map<string, string>;
  /** Outcome applied to rollback executions started from now on (scenario control). */
  rollbackOutcome?: ExecutionOutcome;
}

export interface StartExecutionOptions {
  region?: string;
  revision: Revision;
  variables?: Record<string, string>;
  outcome?: ExecutionOutcome;
  trigger?: { triggerType: string; triggerDetail?: string };
}

const ROLLBACK_BUSY_STATUSES = new Set<ExecutionStatus>(['InProgress', 'Stopping']);

/**
 * What a disabled inbound transition does to a RollbackStage execution, which AWS does not
 * document: `pass` (the default) runs the stage anyway; `hold` keeps the rollback waiting before
 * the stage like any execution, until the transition is enabled; `refuse` answers RollbackStage
 * with UnableToRollbackStageException while the transition is disabled.
 */
export type RollbacksAtDisabledTransition = 'pass' | 'hold' | 'refuse';

export class PipelinesModel {
  private pipelines = new Map<string, Pipeline>();
  /** A scenario switch, kept across world loads; `reset` sets it back to `pass`. */
  rollbacksAtDisabledTransition: RollbacksAtDisabledTransition = 'pass';

  constructor(private readonly ctx: ModelContext) {}

  load(specs: PipelineSpec[]): void {
    this.pipelines.clear();
    for (const spec of specs) this.addPipeline(spec);
  }

  list(region: string): Pipeline[] {
    return [...this.pipelines.values()].filter((p) => p.region === region);
  }

  /** Every pipeline, in every region, in world order. */
  all(): Pipeline[] {
    return [...this.pipelines.values()];
  }

  find(region: string, name: string): Pipeline | undefined {
    return this.pipelines.get(`${region}/${name}`);
  }

  get(region: string, name: string): Pipeline {
    const p = this.find(region, name);
    if (!p) {
      throw new AwsError(
        'PipelineNotFoundException',
        `Account '${this.ctx.account()}' does not have a pipeline with name '${name}'`,
      );
    }
    return p;
  }

  execution(p: Pipeline, id: string): Execution {
    const e = p.executions.find((x) => x.id === id);
    if (!e) {
      throw new AwsError(
        'PipelineExecutionNotFoundException',
        `Pipeline execution with id '${id}' does not exist in pipeline with name '${p.name}'`,
      );
    }
    return e;
  }

  stage(p: Pipeline, name: string): StageSpec {
    const s = p.spec.stages.find((x) => x.name === name);
    if (!s) {
      throw new AwsError(
        'StageNotFoundException',
        `Stage '${name}' not found in pipeline '${p.name}'`,
      );
    }
    return s;
  }

  /** True while any execution is still moving (in a stage or waiting). */
  busy(): boolean {
    for (const p of this.pipelines.values()) {
      if (p.executions.some((e) => ROLLBACK_BUSY_STATUSES.has(e.status))) return true;
    }
    return false;
  }

  // ---- operations that change state -------------------------------------------------------

  startExecution(name: string, opts: StartExecutionOptions): Execution {
    const p = this.get(opts.region ?? 'us-east-1', name);
    const now = this.ctx.clock.now();
    const exec: Execution = {
      id: randomUUID(),
      pipelineName: p.name,
      region: p.region,
      pipelineVersion: p.version,
      status: 'InProgress',
      startTime: now,
      lastUpdateTime: now,
      executionType: 'STANDARD',
      trigger: opts.trigger ?? {
        triggerType: 'Webhook',
        triggerDetail: `arn:aws:codestar-connections:${p.region}:${this.ctx.account()}:connection/sandbox`,
      },
      executionMode: p.spec.executionMode,
      revision: {
        ...opts.revision,
        actionName: opts.revision.actionName ?? sourceActionName(p.spec),
      },
      variables: { ...opts.variables },
      stages: new Map(),
      plan: p.spec.stages.map((s) => s.name),
      position: 0,
      epoch: 0,
    };
    if (opts.outcome) exec.outcome = opts.outcome;
    this.validateOutcome(p, exec.outcome);
    p.executions.push(exec);
    this.emitPipeline(p, exec, 'STARTED');
    this.tryEnter(p, exec);
    return exec;
  }

  rollbackStage(region: string, name: string, stageName: string, targetId: string): Execution {
    const p = this.get(region, name);
    if (p.spec.pipelineType !== 'V2') {
      throw new AwsError(
        'ValidationException',
        'Stage rollback is only supported for V2 pipelines',
      );
    }
    const stage = this.stage(p, stageName);
    const target = this.execution(p, targetId);
    if (isSourceStage(p.spec, stage)) {
      throw new AwsError(
        'UnableToRollbackStageException',
        `Source stage '${stageName}' cannot be rolled back`,
      );
    }
    if (target.executionType === 'ROLLBACK') {
      throw new AwsError(
        'UnableToRollbackStageException',
        `Target pipeline execution '${targetId}' is a rollback execution and cannot be a rollback target`,
      );
    }
    if (target.stages.get(stageName)?.status !== 'Succeeded') {
      throw new AwsError(
        'UnableToRollbackStageException',
        `Target pipeline execution '${targetId}' did not succeed in stage '${stageName}'`,
      );
    }
    if (target.pipelineVersion !== p.version) {
      throw new AwsError(
        'PipelineExecutionOutdatedException',
        `Target pipeline execution '${targetId}' ran on pipeline version ${target.pipelineVersion}; the pipeline is now version ${p.version}`,
      );
    }
    if (
      p.executions.some(
        (e) => e.executionType === 'ROLLBACK' && ROLLBACK_BUSY_STATUSES.has(e.status),
      )
    ) {
      throw new AwsError(
        'ConflictException',
        `Pipeline '${name}' is busy: a rollback is already in progress. Try again later.`,
      );
    }
    if (p.occupant.has(stageName)) {
      throw new AwsError(
        'UnableToRollbackStageException',
        `Stage '${stageName}' is currently running`,
      );
    }
    if (
      this.rollbacksAtDisabledTransition === 'refuse' &&
      p.transitions.get(stageName)?.enabled === false
    ) {
      throw new AwsError(
        'UnableToRollbackStageException',
        `Unable to rollback stage '${stageName}': its inbound transition is disabled`,
      );
    }
    return this.startRollback(p, stageName, target, {
      triggerType: 'ManualRollback',
      triggerDetail: `arn:aws:sts::${this.ctx.account()}:assumed-role/sandbox/rollback-bot`,
    });
  }

  setTransition(
    region: string,
    name: string,
    stageName: string,
    transitionType: string,
    enabled: boolean,
    reason?: string,
  ): void {
    const p = this.get(region, name);
    this.stage(p, stageName);
    if (transitionType !== 'Inbound' && transitionType !== 'Outbound') {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${transitionType}' at 'transitionType' failed to satisfy constraint: Member must satisfy enum value set: [Inbound, Outbound]`,
      );
    }
    if (!enabled) validateTransitionReason(reason);
    // An Outbound transition of a stage is the Inbound transition of the next one.
    const index = p.spec.stages.findIndex((s) => s.name === stageName);
    const targetStage = transitionType === 'Inbound' ? stageName : p.spec.stages[index + 1]?.name;
    if (!targetStage) {
      throw new AwsError('ValidationException', `Stage '${stageName}' has no outbound transition`);
    }
    const now = this.ctx.clock.now();
    const t: Transition = enabled
      ? { enabled: true, lastChangedBy: 'sandbox-user', lastChangedAt: now }
      : {
          enabled: false,
          disabledReason: reason ?? '',
          lastChangedBy: 'sandbox-user',
          lastChangedAt: now,
        };
    p.transitions.set(targetStage, t);
    if (enabled) this.release(p, targetStage);
  }

  stopExecution(
    region: string,
    name: string,
    id: string,
    abandon: boolean,
    reason?: string,
  ): Execution {
    const p = this.get(region, name);
    const exec = this.execution(p, id);
    if (exec.status === 'Stopping' && !abandon) {
      throw new AwsError('DuplicatedStopRequestException', `Execution '${id}' is already stopping`);
    }
    if (exec.status !== 'InProgress' && exec.status !== 'Stopping') {
      throw new AwsError(
        'PipelineExecutionNotStoppableException',
        `Execution '${id}' is ${exec.status} and cannot be stopped`,
      );
    }
    exec.stopTrigger = { reason: reason ?? '' };
    const stageName = exec.plan[exec.position]!;
    const inStage = p.occupant.get(stageName) === exec.id;
    if (!inStage || abandon) {
      this.finishStopped(p, exec, inStage ? stageName : undefined);
      return exec;
    }
    exec.stopRequested = true;
    exec.status = 'Stopping';
    exec.lastUpdateTime = this.ctx.clock.now();
    const run = exec.stages.get(stageName);
    if (run) run.status = 'Stopping';
    this.emitPipeline(p, exec, 'STOPPING');
    this.emitStage(p, exec, stageName, 'STOPPING');
    return exec;
  }

  setRollbackOutcome(region: string, name: string, outcome: ExecutionOutcome | undefined): void {
    const p = this.get(region, name);
    if (outcome) p.rollbackOutcome = outcome;
    else delete p.rollbackOutcome;
  }

  // ---- running executions: stages, actions, supersession, rollbacks ------------------------

  private startRollback(
    p: Pipeline,
    stageName: string,
    target: Execution,
    trigger: { triggerType: string; triggerDetail?: string },
  ): Execution {
    const now = this.ctx.clock.now();
    const exec: Execution = {
      id: randomUUID(),
      pipelineName: p.name,
      region: p.region,
      pipelineVersion: p.version,
      status: 'InProgress',
      startTime: now,
      lastUpdateTime: now,
      executionType: 'ROLLBACK',
      rollbackTargetId: target.id,
      trigger,
      executionMode: p.spec.executionMode,
      revision: { ...target.revision },
      variables: { ...target.variables },
      stages: new Map(),
      plan: [stageName],
      position: 0,
      epoch: 0,
    };
    if (p.rollbackOutcome) exec.outcome = p.rollbackOutcome;
    p.executions.push(exec);
    this.emitPipeline(p, exec, 'STARTED');
    // Held like any execution at a disabled transition, when the scenario says so.
    const held =
      this.rollbacksAtDisabledTransition === 'hold' &&
      p.transitions.get(stageName)?.enabled === false;
    if (held) this.tryEnter(p, exec);
    else this.enterStage(p, exec, stageName);
    return exec;
  }

  private tryEnter(p: Pipeline, exec: Execution): void {
    const stageName = exec.plan[exec.position]!;
    const index = p.spec.stages.findIndex((s) => s.name === stageName);
    const transitionOpen = index === 0 || p.transitions.get(stageName)?.enabled !== false;
    const free = p.spec.executionMode === 'PARALLEL' || !p.occupant.has(stageName);
    const queue = p.waiting.get(stageName) ?? [];
    if (transitionOpen && free && queue.length === 0) {
      this.enterStage(p, exec, stageName);
      return;
    }
    exec.waitingFor = stageName;
    if (p.spec.executionMode === 'SUPERSEDED') {
      // A newer execution waiting at the same point supersedes the older one.
      for (const olderId of queue) {
        const older = p.executions.find((e) => e.id === olderId);
        if (older) this.supersede(p, older);
      }
      p.waiting.set(stageName, [exec.id]);
    } else {
      p.waiting.set(stageName, [...queue, exec.id]);
    }
  }

  /** A stage became free or its transition was enabled: let the next waiting execution in. */
  private release(p: Pipeline, stageName: string): void {
    if (p.transitions.get(stageName)?.enabled === false) return;
    if (p.spec.executionMode !== 'PARALLEL' && p.occupant.has(stageName)) return;
    const queue = p.waiting.get(stageName) ?? [];
    const nextId = queue.shift();
    if (queue.length === 0) p.waiting.delete(stageName);
    if (!nextId) return;
    const next = p.executions.find((e) => e.id === nextId);
    if (next?.status !== 'InProgress') return;
    delete next.waitingFor;
    this.enterStage(p, next, stageName);
  }

  private supersede(p: Pipeline, exec: Execution): void {
    exec.status = 'Superseded';
    exec.statusSummary = 'Superseded by a newer execution';
    delete exec.waitingFor;
    exec.lastUpdateTime = this.ctx.clock.now();
    this.emitPipeline(p, exec, 'SUPERSEDED');
  }

  private enterStage(p: Pipeline, exec: Execution, stageName: string): void {
    const stage = this.stage(p, stageName);
    const now = this.ctx.clock.now();
    p.occupant.set(stageName, exec.id);
    p.latestInStage.set(stageName, exec.id);
    exec.stages.set(stageName, { status: 'InProgress', startTime: now, actions: [] });
    exec.lastUpdateTime = now;
    this.emitStage(p, exec, stageName, 'STARTED');
    this.runGroup(p, exec, stage, 0);
  }

  private stageDuration(p: Pipeline, stage: StageSpec): number {
    return this.ctx.durationMs(stage.duration ?? p.spec.stageDuration);
  }

  /**
   * Runs the stage's `group`-th run-order group: its actions start together and take an even
   * share of the stage's duration. Actions without `runOrder` are in group 1, as in AWS, so a
   * stage of actions that set none runs them all in parallel.
   */
  private runGroup(p: Pipeline, exec: Execution, stage: StageSpec, group: number): void {
    const groups = runOrderGroups(stage);
    const run = exec.stages.get(stage.name)!;
    const now = this.ctx.clock.now();
    const runs = groups[group]!.map((action) => {
      const ar: ActionRun = {
        name: action.name,
        actionExecutionId: randomUUID(),
        status: 'InProgress',
        startTime: now,
      };
      if (action.provider === 'CodeDeploy') ar.externalExecutionId = fakeDeploymentId();
      run.actions.push(ar);
      return ar;
    });
    for (const ar of runs) this.emitAction(p, exec, stage, ar, 'STARTED');
    const epoch = exec.epoch;
    const slice = Math.max(1, Math.floor(this.stageDuration(p, stage) / groups.length));
    this.ctx.clock.schedule(slice, () => {
      if (exec.epoch !== epoch || runs.some((ar) => ar.status !== 'InProgress')) return;
      this.finishGroup(p, exec, stage, group, runs);
    });
  }

  private finishGroup(
    p: Pipeline,
    exec: Execution,
    stage: StageSpec,
    group: number,
    runs: ActionRun[],
  ): void {
    const now = this.ctx.clock.now();
    exec.lastUpdateTime = now;
    let failed = false;
    for (const ar of runs) {
      ar.endTime = now;
      if (actionFails(stage, ar.name, exec.outcome)) {
        failed = true;
        ar.status = 'Failed';
        ar.summary = ar.externalExecutionId
          ? `Deployment ${ar.externalExecutionId} failed`
          : `Action ${ar.name} failed`;
        this.emitAction(p, exec, stage, ar, 'FAILED');
        continue;
      }
      ar.status = 'Succeeded';
      ar.summary = ar.externalExecutionId
        ? `Deployment ${ar.externalExecutionId} succeeded`
        : `Action ${ar.name} succeeded`;
      this.emitAction(p, exec, stage, ar, 'SUCCEEDED');
    }
    if (failed) {
      this.finishStage(p, exec, stage, 'Failed');
      return;
    }
    if (exec.stopRequested) {
      this.finishStopped(p, exec, stage.name);
      return;
    }
    if (group + 1 < runOrderGroups(stage).length) this.runGroup(p, exec, stage, group + 1);
    else this.finishStage(p, exec, stage, 'Succeeded');
  }

  private finishStage(
    p: Pipeline,
    exec: Execution,
    stage: StageSpec,
    status: 'Succeeded' | 'Failed',
  ): void {
    const now = this.ctx.clock.now();
    const run = exec.stages.get(stage.name)!;
    run.status = status;
    run.endTime = now;
    p.occupant.delete(stage.name);
    this.emitStage(p, exec, stage.name, status === 'Succeeded' ? 'SUCCEEDED' : 'FAILED');
    if (status === 'Failed') {
      exec.status = 'Failed';
      exec.statusSummary = `Stage ${stage.name} failed`;
      exec.lastUpdateTime = now;
      this.emitPipeline(p, exec, 'FAILED');
      // The automatic rollback takes the stage before any execution waiting to enter it.
      if (stage.onFailure === 'ROLLBACK' && exec.executionType === 'STANDARD') {
        this.autoRollback(p, exec, stage.name);
      }
      this.release(p, stage.name);
      return;
    }
    if (exec.position + 1 < exec.plan.length) {
      exec.position += 1;
      this.release(p, stage.name);
      this.tryEnter(p, exec);
      return;
    }
    exec.status = 'Succeeded';
    exec.lastUpdateTime = now;
    this.emitPipeline(p, exec, 'SUCCEEDED');
    this.release(p, stage.name);
    const alarm = exec.outcome?.alarmAfterSuccess;
    if (alarm) {
      this.ctx.clock.schedule(alarm.afterMs, () =>
        this.ctx.setAlarmState(
          alarm.alarm,
          'ALARM',
          'Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (sandbox scenario).',
          p.region,
        ),
      );
    }
  }

  private finishStopped(p: Pipeline, exec: Execution, stageName: string | undefined): void {
    const now = this.ctx.clock.now();
    exec.epoch += 1;
    exec.stopRequested = false;
    if (exec.waitingFor) {
      const queue = (p.waiting.get(exec.waitingFor) ?? []).filter((id) => id !== exec.id);
      if (queue.length) p.waiting.set(exec.waitingFor, queue);
      else p.waiting.delete(exec.waitingFor);
      delete exec.waitingFor;
    }
    if (stageName) {
      const stage = this.stage(p, stageName);
      const run = exec.stages.get(stageName)!;
      for (const ar of run.actions) {
        if (ar.status !== 'InProgress') continue;
        ar.status = 'Abandoned';
        ar.endTime = now;
        this.emitAction(p, exec, stage, ar, 'ABANDONED');
      }
      run.status = 'Stopped';
      run.endTime = now;
      p.occupant.delete(stageName);
      this.emitStage(p, exec, stageName, 'STOPPED');
    }
    exec.status = 'Stopped';
    exec.lastUpdateTime = now;
    this.emitPipeline(p, exec, 'STOPPED');
    if (stageName) this.release(p, stageName);
  }

  /** CodePipeline's own rollback on failure: to the latest earlier success in the stage. */
  private autoRollback(p: Pipeline, failed: Execution, stageName: string): void {
    const target = [...p.executions]
      .filter(
        (e) =>
          e.id !== failed.id &&
          e.executionType === 'STANDARD' &&
          e.pipelineVersion === p.version &&
          e.stages.get(stageName)?.status === 'Succeeded',
      )
      .sort((a, b) => b.startTime - a.startTime)[0];
    if (!target) return;
    this.startRollback(p, stageName, target, {
      triggerType: 'AutomatedRollback',
      triggerDetail: failed.id,
    });
  }

  private validateOutcome(p: Pipeline, outcome: ExecutionOutcome | undefined): void {
    if (!outcome) return;
    if (outcome.failStage) this.stage(p, outcome.failStage);
    if (
      outcome.failAction &&
      !p.spec.stages.some((s) => s.actions.some((a) => a.name === outcome.failAction))
    ) {
      throw new Error(
        `outcome.failAction: no action '${outcome.failAction}' in pipeline '${p.name}'`,
      );
    }
  }

  // ---- world loading ----------------------------------------------------------------------

  private addPipeline(spec: PipelineSpec): void {
    const created = Math.min(this.ctx.clock.now(), ...spec.executions.map((e) => e.startTime));
    const p: Pipeline = {
      spec,
      name: spec.name,
      region: spec.region,
      version: spec.version,
      created,
      updated: created,
      transitions: new Map(),
      executions: [],
      occupant: new Map(),
      waiting: new Map(),
      latestInStage: new Map(),
    };
    const history = [...spec.executions].sort((a, b) => a.startTime - b.startTime);
    for (const e of history) p.executions.push(this.seedExecution(p, e));
    for (const e of p.executions) {
      for (const stageName of e.stages.keys()) p.latestInStage.set(stageName, e.id);
    }
    this.pipelines.set(`${spec.region}/${spec.name}`, p);
  }

  private seedExecution(p: Pipeline, e: ExecutionSpec): Execution {
    const end = e.endTime ?? e.startTime + p.spec.stages.length * 60_000;
    const statuses = e.stages ?? defaultStageStatuses(p.spec, e.status);
    const ran = p.spec.stages.filter((s) => statuses[s.name] !== undefined);
    const step = ran.length ? (end - e.startTime) / ran.length : 0;
    const stages = new Map<string, StageRun>();
    ran.forEach((s, i) => {
      const status = statuses[s.name]!;
      const startTime = Math.round(e.startTime + i * step);
      const endTime = Math.round(e.startTime + (i + 1) * step);
      const actionStatus: ActionRunStatus =
        status === 'Succeeded' ? 'Succeeded' : status === 'Failed' ? 'Failed' : 'Abandoned';
      stages.set(s.name, {
        status,
        startTime,
        endTime,
        actions: s.actions.map((a) => ({
          name: a.name,
          actionExecutionId: randomUUID(),
          status: actionStatus,
          startTime,
          endTime,
          ...(a.provider === 'CodeDeploy' ? { externalExecutionId: fakeDeploymentId() } : {}),
        })),
      });
    });
    const exec: Execution = {
      id: e.id,
      pipelineName: p.name,
      region: p.region,
      pipelineVersion: e.pipelineVersion ?? p.version,
      status: e.status,
      startTime: e.startTime,
      lastUpdateTime: end,
      executionType: e.executionType,
      trigger: {
        triggerType: e.trigger.type,
        ...(e.trigger.detail ? { triggerDetail: e.trigger.detail } : {}),
      },
      executionMode: p.spec.executionMode,
      revision: { ...e.revision, actionName: e.revision.actionName ?? sourceActionName(p.spec) },
      variables: { ...e.variables },
      stages,
      plan: ran.map((s) => s.name),
      position: Math.max(0, ran.length - 1),
      epoch: 0,
    };
    if (e.rollbackTargetPipelineExecutionId)
      exec.rollbackTargetId = e.rollbackTargetPipelineExecutionId;
    return exec;
  }

  // ---- events -----------------------------------------------------------------------------

  private base(p: Pipeline, exec: Execution) {
    return {
      pipeline: p.name,
      'execution-id': exec.id,
      'start-time': new Date(exec.startTime).toISOString(),
    };
  }

  private emitPipeline(p: Pipeline, exec: Execution, state: string): void {
    this.ctx.emitter.emit({
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      source: 'aws.codepipeline',
      time: this.ctx.clock.date(),
      region: p.region,
      resources: [pipelineArn(p, this.ctx.account())],
      detail: {
        ...this.base(p, exec),
        'execution-trigger': triggerDetail(exec),
        state,
        version: exec.pipelineVersion,
        'pipeline-execution-attempt': 1,
      },
    });
  }

  private emitStage(p: Pipeline, exec: Execution, stage: string, state: string): void {
    this.ctx.emitter.emit({
      'detail-type': 'CodePipeline Stage Execution State Change',
      source: 'aws.codepipeline',
      time: this.ctx.clock.date(),
      region: p.region,
      resources: [pipelineArn(p, this.ctx.account())],
      // No `execution-trigger`: AWS sends it on pipeline events only, never on stage events.
      detail: {
        ...this.base(p, exec),
        stage,
        state,
        version: exec.pipelineVersion,
        'pipeline-execution-attempt': 1,
      },
    });
  }

  private emitAction(
    p: Pipeline,
    exec: Execution,
    stage: StageSpec,
    ar: ActionRun,
    state: string,
  ): void {
    const action = stage.actions.find((a) => a.name === ar.name)!;
    const detail: Record<string, unknown> = {
      ...this.base(p, exec),
      stage: stage.name,
      action: ar.name,
      'action-execution-id': ar.actionExecutionId,
      state,
      region: p.region,
      type: {
        owner: action.owner,
        provider: action.provider,
        category: action.category,
        version: action.version,
      },
      ...(action.category === 'Source'
        ? {}
        : { 'input-artifacts': inputArtifacts(p, stage, action, exec) }),
      version: exec.pipelineVersion,
      'pipeline-execution-attempt': 1,
    };
    if (state === 'FAILED' || state === 'SUCCEEDED') {
      detail['execution-result'] = {
        ...(ar.externalExecutionId
          ? {
              'external-execution-url': `https://console.aws.amazon.com/codedeploy/home?region=${p.region}#/deployments/${ar.externalExecutionId}`,
              'external-execution-id': ar.externalExecutionId,
            }
          : {}),
        'external-execution-summary': ar.summary ?? '',
        ...(state === 'FAILED' ? { 'error-code': 'JobFailed' } : {}),
      };
    }
    this.ctx.emitter.emit({
      'detail-type': 'CodePipeline Action Execution State Change',
      source: 'aws.codepipeline',
      time: this.ctx.clock.date(),
      region: p.region,
      resources: [pipelineArn(p, this.ctx.account())],
      detail,
    });
  }
}

// ---- pure helpers ---------------------------------------------------------------------------

/** An action's input and output artifact names: declared in the world, or the defaults. */
export function actionArtifacts(
  spec: PipelineSpec,
  stage: StageSpec,
  action: StageSpec['actions'][number],
): { inputs: string[]; outputs: string[] } {
  const outputs =
    action.outputArtifacts ??
    (action.category === 'Source'
      ? ['SourceArtifact']
      : action.category === 'Build'
        ? ['BuildArtifact']
        : []);
  if (action.inputArtifacts) return { inputs: action.inputArtifacts, outputs };
  if (action.category === 'Source') return { inputs: [], outputs };
  if (action.category === 'Build') return { inputs: ['SourceArtifact'], outputs };
  // The latest artifact an earlier stage wrote (the build's, else the source's).
  const earlier = spec.stages.slice(
    0,
    spec.stages.findIndex((s) => s.name === stage.name),
  );
  const written = earlier.flatMap((s) =>
    s.actions.flatMap((a) => actionArtifacts(spec, s, a).outputs),
  );
  return { inputs: [written[written.length - 1] ?? 'SourceArtifact'], outputs };
}

/** The artifacts an action reads, in the artifact bucket, as its events list them. */
function inputArtifacts(
  p: Pipeline,
  stage: StageSpec,
  action: StageSpec['actions'][number],
  exec: Execution,
) {
  return actionArtifacts(p.spec, stage, action).inputs.map((name) => ({
    name,
    s3location: {
      bucket: `codepipeline-${p.region}-sandbox`,
      key: `${p.name}/${name.slice(0, 10)}/${exec.id.slice(0, 7)}`,
    },
  }));
}

export function pipelineArn(p: Pipeline, account: string): string {
  return `arn:aws:codepipeline:${p.region}:${account}:${p.name}`;
}

function triggerDetail(exec: Execution): Record<string, string> {
  return {
    'trigger-type': exec.trigger.triggerType,
    ...(exec.trigger.triggerDetail ? { 'trigger-detail': exec.trigger.triggerDetail } : {}),
  };
}

export function isSourceStage(spec: PipelineSpec, stage: StageSpec): boolean {
  return spec.stages[0]?.name === stage.name || stage.actions.some((a) => a.category === 'Source');
}

export function sourceActionName(spec: PipelineSpec): string {
  return (
    spec.stages.flatMap((s) => s.actions).find((a) => a.category === 'Source')?.name ?? 'Source'
  );
}

function actionFails(
  stage: StageSpec,
  actionName: string,
  outcome: ExecutionOutcome | undefined,
): boolean {
  if (!outcome) return false;
  if (outcome.failAction)
    return outcome.failAction === actionName && stage.actions.some((a) => a.name === actionName);
  if (outcome.failStage === stage.name) return runOrderGroups(stage)[0]?.[0]?.name === actionName;
  return false;
}

/** An action's run order: AWS's default is 1. */
export function runOrderOf(action: StageSpec['actions'][number]): number {
  return action.runOrder ?? 1;
}

/** The stage's actions by run order, lowest first; each group's actions in declaration order. */
export function runOrderGroups(stage: StageSpec): Array<StageSpec['actions']> {
  const orders = [...new Set(stage.actions.map(runOrderOf))].sort((a, b) => a - b);
  return orders.map((o) => stage.actions.filter((a) => runOrderOf(a) === o));
}

function defaultStageStatuses(
  spec: PipelineSpec,
  status: ExecutionSpec['status'],
): Record<string, StageRunStatus> {
  const out: Record<string, StageRunStatus> = {};
  const last = spec.stages.length - 1;
  spec.stages.forEach((s, i) => {
    if (status === 'Succeeded') out[s.name] = 'Succeeded';
    else if (i < last) out[s.name] = 'Succeeded';
    else out[s.name] = status === 'Failed' ? 'Failed' : 'Stopped';
  });
  return out;
}

/** AWS's rule for a disabled transition's reason. */
export const TRANSITION_REASON = /^[a-zA-Z0-9!@ ().*?-]{1,300}$/;

export function validateTransitionReason(reason: string | undefined): void {
  if (reason === undefined || reason === '') {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value at 'reason' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!TRANSITION_REASON.test(reason)) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${reason}' at 'reason' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9!@ \\(\\)\\.\\*\\?\\-]+ and have length between 1 and 300`,
    );
  }
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export function fakeDeploymentId(): string {
  let s = 'd-';
  for (let i = 0; i < 9; i++) s += ID_CHARS[Math.floor(Math.random() * ID_CHARS.length)];
  return s;
}
