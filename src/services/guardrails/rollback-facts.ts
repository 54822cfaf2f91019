// What the approval policy needs to know about a rollback: is the target older than the previous
// release, and which unsafe releases would it cross (current and every release between it and the
// target, with their variables). A stage's are read from the pipeline's executions; a deployment
// group's come with its choice. Every decision reads them here: a request's, and a group member's.
import type { Account, AwsClients } from '../../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../../aws/codepipeline-adapter.js';
import type { PipelineRelease } from '../../domain/releases.js';
import {
  type ReleaseSafetyFacts,
  type UnsafeRelease,
  unreadableCrossing,
  unsafeReleasesCrossed,
} from '../../domain/rollback-decision/index.js';
import type { RollbackTarget } from '../../domain/rollback-request.js';
import type { KnownExecutions } from '../rollback-policy.js';

export interface StageRollbackFacts {
  targetIsOlderThanPrevious: boolean;
  unsafeCrossed: UnsafeRelease[];
  /** First lines of the commit messages, for the approval post. */
  currentSummary?: string;
  targetSummary?: string;
}

/** How far back we look; a target further back than this counts as older (it asks). */
const LOOKBACK = 50;

/** The two listings, from `known` when they hold everything the decision looks at. */
function listingsFrom(
  known: KnownExecutions | undefined,
  ids: { currentExecutionId: string; targetExecutionId: string },
): { all: PipelineRelease[]; succeeded: PipelineRelease[] } | undefined {
  if (!known) return undefined;
  const succeeded = [...known.succeeded];
  const targetAt = succeeded.findIndex((r) => r.executionId === ids.targetExecutionId);
  const current = [...known.recent, ...succeeded].find(
    (r) => r.executionId === ids.currentExecutionId,
  );
  // The target among the succeeded: every release between it and the current one is listed too.
  if (targetAt < 0 || !current) return undefined;
  const hasPrevious = succeeded.some(
    (r) =>
      r.executionType === 'STANDARD' &&
      r.executionId !== current.executionId &&
      r.startTime < current.startTime,
  );
  // No previous release among a truncated listing: a longer one might hold it; read it.
  if (!hasPrevious && succeeded.length >= Math.min(known.succeededLimit, LOOKBACK)) {
    return undefined;
  }
  return { all: [...known.recent], succeeded };
}

async function readStageRollbackFacts(
  aws: AwsClients,
  account: Account,
  pipeline: string,
  stage: string,
  ids: {
    currentExecutionId: string;
    /** The live release (differs from the execution when a rollback deployed it). */
    currentReleaseId?: string;
    targetExecutionId: string;
    /** The choice's own answer, when the request carries it (domain/choose-rollback-target.ts). */
    olderThanPrevious?: boolean;
  },
  known?: KnownExecutions,
): Promise<StageRollbackFacts> {
  const currentId = ids.currentReleaseId ?? ids.currentExecutionId;
  const cp = createCodePipelineAdapter(aws, account);
  const listed = async () => {
    const [all, succeeded] = await Promise.all([
      cp.listExecutions(pipeline, { limit: LOOKBACK }),
      cp.listExecutions(pipeline, { limit: LOOKBACK, succeededInStage: stage }),
    ]);
    return { all, succeeded };
  };
  const { all, succeeded } =
    listingsFrom(known, { ...ids, currentExecutionId: currentId }) ?? (await listed());
  const byId = new Map<string, PipelineRelease>();
  for (const r of [...all, ...succeeded]) byId.set(r.executionId, r);
  const current = byId.get(currentId);
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
    targetIsOlderThanPrevious =
      ids.olderThanPrevious ?? (previous ? target.startTime < previous.startTime : false);
    // Releases only: a rollback execution between them redeployed one of these.
    between = succeeded.filter(
      (r) =>
        r.executionType === 'STANDARD' &&
        r.startTime > target.startTime &&
        r.startTime < current.startTime &&
        r.executionId !== current.executionId &&
        r.executionId !== target.executionId,
    );
  }

  // The target stays deployed, so its variables never make a rollback unsafe: only its summary
  // is read. The current release and those between need their action output variables too.
  const safety = async (id: string, withVariables = true): Promise<ReleaseSafetyFacts> => {
    const [detail, actionVars] = await Promise.all([
      known?.details.get(id) ?? cp.getExecution(pipeline, id),
      withVariables
        ? (known?.actionOutputVariables?.get(id) ?? cp.getActionOutputVariables(pipeline, id))
        : {},
    ]);
    return {
      executionId: id,
      variables: { ...actionVars, ...detail.detail.variables },
      sourceRevisions: detail.sourceRevisions,
    };
  };
  const [cur, tgt, ...mid] = await Promise.all([
    safety(currentId),
    safety(ids.targetExecutionId, false),
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

/**
 * The policy's facts about a rollback to `target`. A deployment group's come with its choice
 * (domain/choose-deployment-target.ts); a stage's are read from the pipeline's executions, and
 * fail closed when they cannot be (`unreadableCrossing`: a person has to look).
 */
export async function readRollbackFacts(
  aws: AwsClients,
  account: Account,
  target: RollbackTarget,
  opts: { known?: KnownExecutions; onUnreadable?: (err: Error) => void } = {},
): Promise<StageRollbackFacts> {
  if (target.kind !== 'stage') {
    return {
      targetIsOlderThanPrevious: target.olderThanPrevious ?? false,
      unsafeCrossed: target.unsafeCrossed ?? [],
    };
  }
  try {
    return await readStageRollbackFacts(
      aws,
      account,
      target.pipeline,
      target.stage,
      target,
      opts.known,
    );
  } catch (err) {
    opts.onUnreadable?.(err as Error);
    return unreadableCrossing(target.currentExecutionId, (err as Error).message);
  }
}
