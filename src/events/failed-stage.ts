// A pipeline- or action-level FAILED of a guarded pipeline acts like its stage's own FAILED.
// Which stage: the one a CodeStar notification names (`failedStage`), the action's stage, or,
// for an EventBridge pipeline FAILED, the stage GetPipelineState shows failed in that execution.
// An action's FAILED is read as its stage's only once the stage has ended: a stage whose other
// actions still run cannot be rolled back yet (and may still be retried). Reads AWS through
// src/aws, one GetPipelineState per event, bounded in time; events of pipelines and stages no
// environment guards never read AWS.
import type { AwsClients } from '../aws/aws-clients.js';
import { accountOf } from '../aws/aws-clients.js';
import { createCodePipelineAdapter, type StageView } from '../aws/codepipeline-adapter.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { within } from '../runtime/deadline.js';
import type { ActionEvent, DomainEvent, PipelineEvent, StageEvent } from './domain-event.js';
import { stageFailureOf } from './normalise.js';
import { routeEvent } from './route-event.js';

export type FailedStageAnswer =
  /** Not a FAILED this reads, or nothing to read it as: taken as it is. */
  | { kind: 'as-is' }
  | { kind: 'stage'; event: StageEvent }
  /** AWS could not say yet: the sender should retry. */
  | { kind: 'retry'; code: 'stage_running' | 'lookup_failed'; reason: string };

export type FailedStageReader = (event: DomainEvent) => Promise<FailedStageAnswer>;

export interface FailedStageDeps {
  config: Pick<Config, 'environments'>;
  aws: AwsClients;
  log: Logger;
  /** Longest wait for GetPipelineState; the answer must stay inside AWS's 5 s. Default 1500 ms. */
  timeoutMs?: number;
}

const RUNNING = new Set(['InProgress', 'Stopping']);

/** Pure: which stage of `stages` failed in the pipeline event's execution. */
export function failedStageIn(stages: StageView[], executionId: string): string | undefined {
  return stages.find((s) => s.latestExecutionId === executionId && s.latestStatus === 'Failed')
    ?.stage;
}

/** Pure: what the action's stage says about the action's FAILED. */
export function actionFailureIn(
  stages: StageView[],
  e: ActionEvent,
): 'stage-failed' | 'stage-running' | 'stage-recovered' {
  const s = stages.find((x) => x.stage === e.stage);
  // A later execution in the stage means this one's stage has ended.
  if (!s || s.latestExecutionId !== e.executionId) return 'stage-failed';
  if (s.latestStatus && RUNNING.has(s.latestStatus)) return 'stage-running';
  return s.latestStatus === 'Succeeded' ? 'stage-recovered' : 'stage-failed';
}

export function createFailedStageReader(deps: FailedStageDeps): FailedStageReader {
  const timeoutMs = deps.timeoutMs ?? 1_500;

  async function stagesOf(e: PipelineEvent | ActionEvent, envName: string) {
    const env = deps.config.environments[envName]!;
    const cp = createCodePipelineAdapter(deps.aws, accountOf(env));
    return within(cp.getPipelineState(e.pipeline), timeoutMs);
  }

  async function read(
    e: PipelineEvent | ActionEvent,
    decide: (stages: StageView[]) => FailedStageAnswer,
  ): Promise<FailedStageAnswer> {
    const envs = routeEvent(deps.config, e);
    if (envs.length === 0) return { kind: 'as-is' };
    let stages: StageView[];
    try {
      stages = await stagesOf(e, envs[0]!);
    } catch (err) {
      return {
        kind: 'retry',
        code: 'lookup_failed',
        reason: `GetPipelineState ${e.pipeline}: ${(err as Error).message}`.slice(0, 200),
      };
    }
    return decide(stages);
  }

  const pipelineFailed = (e: PipelineEvent) =>
    read(e, (stages) => {
      const stage = failedStageIn(stages, e.executionId);
      if (stage) return { kind: 'stage', event: stageFailureOf(e, stage) };
      // Overtaken in every stage already (or not failed in one): the poller reconciles.
      deps.log.warn(
        { eventId: e.sourceEventId, pipeline: e.pipeline, executionId: e.executionId },
        'pipeline FAILED, but no stage shows this execution failed; taken as a pipeline event',
      );
      return { kind: 'as-is' };
    });

  const actionFailed = (e: ActionEvent) =>
    read(e, (stages): FailedStageAnswer => {
      const seen = actionFailureIn(stages, e);
      if (seen === 'stage-failed') return { kind: 'stage', event: stageFailureOf(e, e.stage) };
      if (seen === 'stage-running') {
        return {
          kind: 'retry',
          code: 'stage_running',
          reason: `${e.stage} is still running in ${e.executionId}`,
        };
      }
      return { kind: 'as-is' };
    });

  return async (event) => {
    if (event.type === 'PipelineFailed') {
      const e = event as PipelineEvent;
      // A notification rule names the stage: nothing to ask AWS.
      if (e.failedStage) {
        const named = stageFailureOf(e, e.failedStage);
        return routeEvent(deps.config, e).length > 0
          ? { kind: 'stage', event: named }
          : { kind: 'as-is' };
      }
      return pipelineFailed(e);
    }
    if (event.type === 'ActionFailed') return actionFailed(event as ActionEvent);
    return { kind: 'as-is' };
  };
}
