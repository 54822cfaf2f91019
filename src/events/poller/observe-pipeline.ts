// A pipeline, polled: one GetPipelineState per tick; ListPipelineExecutions only when a guarded
// stage changed (for the trigger and start time the events carry). The diff is pure.
import type { AwsClients } from '../../aws/aws-clients.js';
import {
  createCodePipelineAdapter,
  type PipelineExecution,
} from '../../aws/codepipeline-adapter.js';
import { STAGE_STATES, type StageEvent } from '../domain-event.js';
import type { PollBudget } from './poll-budget.js';
import type { PolledPipeline } from './poll-plan.js';
import { isoOr, occurrenceKeyOf, polledBase } from './polled-event.js';

type StageState = keyof typeof STAGE_STATES;

export interface StageSeen {
  executionId: string;
  status: string;
  /** Counted by us: a stage of the same execution running again is the next attempt. */
  attempt: number;
}

/** Last seen latest execution of each guarded stage (null: the stage never ran). */
export type PipelineSeen = Record<string, StageSeen | null>;

export interface StageObservation {
  stage: string;
  executionId?: string;
  status?: string;
  /** ISO time of the stage's last action change, when AWS gave one. */
  at?: string;
}

export interface StageChange {
  stage: string;
  executionId: string;
  attempt: number;
  state: StageState;
  at?: string;
}

const STATE_OF: Record<string, StageState> = {
  InProgress: 'STARTED',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Stopped: 'STOPPED',
  Stopping: 'STOPPING',
  Cancelled: 'CANCELED',
};

/**
 * What changed since `prev`. No `prev` (first look) is a baseline: nothing is reported, so a
 * failure from before the bot started is not acted on. An execution first seen already ended
 * is reported as started, then ended.
 */
export function diffPipeline(
  prev: PipelineSeen | undefined,
  observed: StageObservation[],
): { changes: StageChange[]; next: PipelineSeen } {
  const next: PipelineSeen = {};
  const changes: StageChange[] = [];
  for (const o of observed) {
    const state = o.status === undefined ? undefined : STATE_OF[o.status];
    if (!o.executionId || !o.status || !state) {
      next[o.stage] = prev?.[o.stage] ?? null;
      continue;
    }
    const before = prev?.[o.stage];
    const at = o.at ? { at: o.at } : {};
    if (prev === undefined) {
      next[o.stage] = { executionId: o.executionId, status: o.status, attempt: 1 };
      continue;
    }
    if (!before || before.executionId !== o.executionId) {
      next[o.stage] = { executionId: o.executionId, status: o.status, attempt: 1 };
      changes.push({
        stage: o.stage,
        executionId: o.executionId,
        attempt: 1,
        state: 'STARTED',
        ...at,
      });
      if (state !== 'STARTED') {
        changes.push({ stage: o.stage, executionId: o.executionId, attempt: 1, state, ...at });
      }
      continue;
    }
    if (before.status === o.status) {
      next[o.stage] = before;
      continue;
    }
    const ranAgain = before.status !== 'InProgress' && before.status !== 'Stopping';
    const attempt = ranAgain ? before.attempt + 1 : before.attempt;
    next[o.stage] = { executionId: o.executionId, status: o.status, attempt };
    if (ranAgain && state !== 'STARTED') {
      changes.push({
        stage: o.stage,
        executionId: o.executionId,
        attempt,
        state: 'STARTED',
        ...at,
      });
    }
    changes.push({ stage: o.stage, executionId: o.executionId, attempt, state, ...at });
  }
  return { changes, next };
}

export function stageEventOf(
  p: PolledPipeline,
  c: StageChange,
  now: number,
  exec?: PipelineExecution,
): StageEvent {
  const occurrenceKey = occurrenceKeyOf(
    'stage',
    p.account.region,
    p.pipeline,
    c.stage,
    c.executionId,
    c.attempt,
    c.state,
  );
  const trigger = exec?.triggerType
    ? { type: exec.triggerType, ...(exec.triggerDetail ? { detail: exec.triggerDetail } : {}) }
    : undefined;
  const commitId = exec?.sourceRevisions[0]?.revisionId;
  return {
    ...polledBase(occurrenceKey, {
      time: c.at ?? new Date(now).toISOString(),
      region: p.account.region,
      account: p.accountId,
    }),
    type: STAGE_STATES[c.state],
    state: c.state,
    pipeline: p.pipeline,
    executionId: c.executionId,
    attempt: c.attempt,
    stage: c.stage,
    ...(trigger ? { trigger } : {}),
    ...(commitId ? { commitId } : {}),
    ...(exec?.startTime ? { startTime: isoOr(exec.startTime, now) } : {}),
  };
}

export interface Observed<S, E> {
  events: E[];
  next: S;
}

/** Executions listed for the events' trigger and start time (one ListPipelineExecutions). */
const LISTED = 20;

/** Undefined when the budget refused GetPipelineState (the pipeline waits for the next tick). */
export async function observePipeline(
  aws: AwsClients,
  budget: PollBudget,
  p: PolledPipeline,
  prev: PipelineSeen | undefined,
  now: number,
): Promise<Observed<PipelineSeen, StageEvent> | undefined> {
  const cp = createCodePipelineAdapter(aws, p.account);
  if (!budget.take('GetPipelineState')) return undefined;
  const state = await cp.getPipelineState(p.pipeline);
  const observed = p.stages.map((stage): StageObservation => {
    const s = state.find((x) => x.stage === stage);
    return {
      stage,
      ...(s?.latestExecutionId ? { executionId: s.latestExecutionId } : {}),
      ...(s?.latestStatus ? { status: s.latestStatus } : {}),
      ...(s?.lastChangeAt ? { at: s.lastChangeAt.toISOString() } : {}),
    };
  });
  const { changes, next } = diffPipeline(prev, observed);
  if (changes.length === 0) return { events: [], next };
  // Enrichment only: without budget for it the events still go out, with fewer fields.
  const executions =
    (await cp.listExecutions(p.pipeline, {
      limit: LISTED,
      mayCall: () => budget.take('ListPipelineExecutions'),
    })) ?? [];
  const events = changes.map((c) =>
    stageEventOf(
      p,
      c,
      now,
      executions.find((e) => e.executionId === c.executionId),
    ),
  );
  return { events, next };
}
