// What the approval policy needs to know about a stage rollback, read from the pipeline's
// executions: is the target older than the previous release, and which unsafe releases would it
// cross (current and every release between it and the target, with their variables).
import { ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import {
  type ReleaseSafetyFacts,
  type UnsafeRelease,
  unsafeReleasesCrossed,
} from '../domain/guardrails/index.js';
import type { PipelineRelease } from '../domain/releases.js';

export interface StageRollbackFacts {
  targetIsOlderThanPrevious: boolean;
  unsafeCrossed: UnsafeRelease[];
  /** First lines of the commit messages, for the approval post. */
  currentSummary?: string;
  targetSummary?: string;
}

/** How far back we look; a target further back than this counts as older (it asks). */
const LOOKBACK = 50;

export async function readStageRollbackFacts(
  aws: AwsClients,
  account: Account,
  pipeline: string,
  stage: string,
  ids: { currentExecutionId: string; targetExecutionId: string },
): Promise<StageRollbackFacts> {
  const cp = createCodePipelineAdapter(aws, account);
  const [all, succeeded] = await Promise.all([
    cp.listExecutions(pipeline, { limit: LOOKBACK }),
    cp.listExecutions(pipeline, { limit: LOOKBACK, succeededInStage: stage }),
  ]);
  const byId = new Map<string, PipelineRelease>();
  for (const r of [...all, ...succeeded]) byId.set(r.executionId, r);
  const current = byId.get(ids.currentExecutionId);
  const target = byId.get(ids.targetExecutionId);

  let targetIsOlderThanPrevious = true; // unknown → ask
  let between: PipelineRelease[] = [];
  if (current && target) {
    const previous = succeeded.find(
      (r) =>
        r.executionType === 'STANDARD' &&
        r.executionId !== current.executionId &&
        r.startTime < current.startTime,
    );
    targetIsOlderThanPrevious = previous ? target.startTime < previous.startTime : false;
    between = succeeded.filter(
      (r) =>
        r.startTime > target.startTime &&
        r.startTime < current.startTime &&
        r.executionId !== current.executionId &&
        r.executionId !== target.executionId,
    );
  }

  const safety = async (id: string): Promise<ReleaseSafetyFacts> => {
    const [detail, actionVars] = await Promise.all([
      cp.getExecution(pipeline, id),
      actionOutputVariables(aws, account, pipeline, id),
    ]);
    return {
      executionId: id,
      variables: { ...actionVars, ...detail.detail.variables },
      sourceRevisions: detail.sourceRevisions,
    };
  };
  const [cur, tgt, ...mid] = await Promise.all([
    safety(ids.currentExecutionId),
    safety(ids.targetExecutionId),
    ...between.map((r) => safety(r.executionId)),
  ]);
  const firstLine = (f: ReleaseSafetyFacts | undefined) =>
    f?.sourceRevisions.find((s) => s.message)?.message;
  const currentSummary = firstLine(cur) ?? current?.sourceRevisions[0]?.message;
  const targetSummary = firstLine(tgt) ?? target?.sourceRevisions[0]?.message;
  return {
    targetIsOlderThanPrevious,
    unsafeCrossed: unsafeReleasesCrossed(cur!, tgt!, mid),
    ...(currentSummary ? { currentSummary } : {}),
    ...(targetSummary ? { targetSummary } : {}),
  };
}

/** Action output variables as `Namespace.NAME` (the namespace when AWS names one, else the action). */
async function actionOutputVariables(
  aws: AwsClients,
  account: Account,
  pipeline: string,
  executionId: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await aws.codepipeline(account).send(
      new ListActionExecutionsCommand({
        pipelineName: pipeline,
        filter: { pipelineExecutionId: executionId },
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const a of page.actionExecutionDetails ?? []) {
      const ns = a.input?.namespace ?? a.actionName ?? 'Action';
      for (const [name, value] of Object.entries(a.output?.outputVariables ?? {})) {
        out[`${ns}.${name}`] = value;
      }
    }
    nextToken = page.nextToken;
    pages++;
  } while (nextToken && pages < 5);
  return out;
}
