// What the workspace page's "Local AWS" panel shows (GET /_sandbox/pipelines): per pipeline and
// stage, the release in the stage and the releases waiting before it, those held by a disabled
// inbound transition with the transition's reason. A view for people; the bot reads the same
// facts through GetPipelineState.
import type { Execution, Pipeline, PipelinesModel } from './model.js';

export interface ReleaseView {
  pipelineExecutionId: string;
  /** The source revision (commit) the execution carries; a rollback carries its target's. */
  revisionId: string;
  revisionMessage?: string;
  executionType: 'STANDARD' | 'ROLLBACK';
  /** In `current`: the stage's status for it; in `waiting`: the execution's. */
  status: string;
}

export interface WaitingView extends ReleaseView {
  /** `transition`: held by the disabled inbound transition; `stage-busy`: the stage is in use. */
  heldBy: 'transition' | 'stage-busy';
}

export interface TransitionView {
  enabled: boolean;
  disabledReason?: string;
  lastChangedBy?: string;
  /** ISO time (simulated clock). */
  lastChangedAt?: string;
}

export interface StageView {
  name: string;
  /** The inbound transition (the first stage has none that can be disabled). */
  transition: TransitionView;
  /** The latest execution that entered the stage, with its status there. */
  current?: ReleaseView;
  /** Executions waiting to enter the stage, oldest first. */
  waiting: WaitingView[];
}

export interface PipelineView {
  name: string;
  region: string;
  stages: StageView[];
}

function release(e: Execution, status: string): ReleaseView {
  return {
    pipelineExecutionId: e.id,
    revisionId: e.revision.id,
    ...(e.revision.message ? { revisionMessage: e.revision.message } : {}),
    executionType: e.executionType,
    status,
  };
}

function stageView(p: Pipeline, name: string): StageView {
  const byId = (id: string) => p.executions.find((e) => e.id === id);
  const t = p.transitions.get(name) ?? { enabled: true };
  const transition: TransitionView = {
    enabled: t.enabled,
    ...(t.enabled ? {} : { disabledReason: t.disabledReason ?? '' }),
    ...(t.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
    ...(t.lastChangedAt !== undefined
      ? { lastChangedAt: new Date(t.lastChangedAt).toISOString() }
      : {}),
  };
  const latestId = p.latestInStage.get(name);
  const latest = latestId ? byId(latestId) : undefined;
  const run = latest?.stages.get(name);
  const waiting = (p.waiting.get(name) ?? [])
    .map(byId)
    .filter((e): e is Execution => e?.status === 'InProgress')
    .map(
      (e): WaitingView => ({
        ...release(e, e.status),
        heldBy: t.enabled ? 'stage-busy' : 'transition',
      }),
    );
  return {
    name,
    transition,
    ...(latest && run ? { current: release(latest, run.status) } : {}),
    waiting,
  };
}

export function pipelineOverview(model: PipelinesModel): PipelineView[] {
  return model.all().map((p) => ({
    name: p.name,
    region: p.region,
    stages: p.spec.stages.map((s) => stageView(p, s.name)),
  }));
}
