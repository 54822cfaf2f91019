// CodePipeline's answers in the bot's own shapes: the one place each SDK shape is mapped
// (codepipeline-adapter.ts sends, this file reads). Nothing past aws/ sees an SDK type.
import type {
  ActionExecutionDetail,
  PipelineDeclaration,
  PipelineExecutionSummary,
  PipelineExecution as SdkPipelineExecution,
  SourceRevision as SdkSourceRevision,
  StageState as SdkStageState,
} from '@aws-sdk/client-codepipeline';
import type { ReleaseDetail } from '../domain/release-diff.js';
import type { ExecutionStatus, PipelineRelease, SourceRevision } from '../domain/releases.js';
import { parseRevisionSummary } from './revision-summary.js';

/** One stage as GetPipelineState reports it: its latest execution and its inbound transition. */
export interface StageView {
  stage: string;
  latestExecutionId?: string;
  latestStatus?: string;
  /** STANDARD or ROLLBACK. */
  latestType?: string;
  inboundEnabled: boolean;
  disabledReason?: string;
  lastChangedBy?: string;
  /**
   * The release waiting at the inbound transition (inboundExecution, else the last of
   * inboundExecutions: the one AWS lets in when the transition is enabled). Rollbacks are not releases.
   */
  waitingExecutionId?: string;
  /**
   * Every execution waiting at the inbound transition (inboundExecutions, else inboundExecution),
   * rollbacks included, oldest first: what enabling the transition may let in.
   */
  inbound?: Array<{ executionId: string; type?: string }>;
  /** The latest status change of any of the stage's actions. */
  lastChangeAt?: Date;
}

export function toStageView(s: SdkStageState): StageView | undefined {
  if (!s.stageName) return undefined;
  const t = s.inboundTransitionState;
  const inbound = s.inboundExecution ?? s.inboundExecutions?.[s.inboundExecutions.length - 1];
  const waiting =
    inbound?.pipelineExecutionId && inbound.type !== 'ROLLBACK'
      ? inbound.pipelineExecutionId
      : undefined;
  const times = (s.actionStates ?? [])
    .map((a) => a.latestExecution?.lastStatusChange?.getTime())
    .filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
  const latest = s.latestExecution;
  const inboundAll = (s.inboundExecutions ?? (s.inboundExecution ? [s.inboundExecution] : []))
    .filter((e) => e.pipelineExecutionId)
    .map((e) => ({ executionId: e.pipelineExecutionId!, ...(e.type ? { type: e.type } : {}) }));
  return {
    stage: s.stageName,
    ...(latest?.pipelineExecutionId ? { latestExecutionId: latest.pipelineExecutionId } : {}),
    ...(latest?.status ? { latestStatus: latest.status } : {}),
    ...(latest?.type ? { latestType: latest.type } : {}),
    inboundEnabled: t?.enabled ?? true,
    ...(t?.disabledReason ? { disabledReason: t.disabledReason } : {}),
    ...(t?.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
    ...(waiting ? { waitingExecutionId: waiting } : {}),
    ...(inboundAll.length > 0 ? { inbound: inboundAll } : {}),
    ...(times.length > 0 ? { lastChangeAt: new Date(Math.max(...times)) } : {}),
  };
}

/** The pipeline's structure (GetPipeline). */
export interface PipelineDefinition {
  version: number;
  stageNames: string[];
  /** Stages configured `onFailure: ROLLBACK`: AWS rolls a failure there back by itself. */
  rollbackOnFailure: string[];
}

export function toPipelineDefinition(p: PipelineDeclaration | undefined): PipelineDefinition {
  const stages = p?.stages ?? [];
  return {
    version: p?.version ?? 1,
    stageNames: stages.map((s) => s.name ?? ''),
    rollbackOnFailure: stages
      .filter((s) => s.onFailure?.result === 'ROLLBACK')
      .map((s) => s.name ?? ''),
  };
}

/** An execution as CodePipeline lists or describes it: the release, and what started it. */
export interface PipelineExecution extends PipelineRelease {
  /** The trigger in AWS's words: for an AutomatedRollback the failed execution, else an ARN. */
  triggerDetail?: string;
}

function toSourceRevision(s: SdkSourceRevision): SourceRevision {
  return {
    actionName: s.actionName ?? 'Source',
    revisionId: s.revisionId ?? '',
    ...parseRevisionSummary(s.revisionSummary),
    ...(s.revisionUrl ? { url: s.revisionUrl } : {}),
  };
}

/** One ListPipelineExecutions summary. */
export function toListedExecution(s: PipelineExecutionSummary): PipelineExecution {
  const target = s.rollbackMetadata?.rollbackTargetPipelineExecutionId;
  return {
    executionId: s.pipelineExecutionId ?? '',
    status: (s.status ?? 'InProgress') as ExecutionStatus,
    startTime: s.startTime ?? new Date(0),
    executionType: s.executionType === 'ROLLBACK' ? 'ROLLBACK' : 'STANDARD',
    ...(s.trigger?.triggerType ? { triggerType: s.trigger.triggerType } : {}),
    ...(s.trigger?.triggerDetail ? { triggerDetail: s.trigger.triggerDetail } : {}),
    ...(target ? { rollbackTargetExecutionId: target } : {}),
    sourceRevisions: (s.sourceRevisions ?? []).map(toSourceRevision),
  };
}

/** An execution as GetPipelineExecution describes it, with what a diff compares. */
export interface ExecutionDetail extends PipelineExecution {
  statusSummary?: string;
  detail: ReleaseDetail;
}

export function toExecutionDetail(
  e: SdkPipelineExecution | undefined,
  executionId: string,
): ExecutionDetail {
  const artifacts = e?.artifactRevisions ?? [];
  // GetPipelineExecution has no sourceRevisions: the source artifacts carry the same ids.
  const sourceRevisions: SourceRevision[] = artifacts.map((a) => ({
    actionName: a.name ?? 'Source',
    revisionId: a.revisionId ?? '',
    ...parseRevisionSummary(a.revisionSummary),
    ...(a.revisionUrl ? { url: a.revisionUrl } : {}),
  }));
  const target = e?.rollbackMetadata?.rollbackTargetPipelineExecutionId;
  const id = e?.pipelineExecutionId ?? executionId;
  return {
    executionId: id,
    status: (e?.status ?? 'InProgress') as ExecutionStatus,
    // GetPipelineExecution gives no start time; callers with a listing use that one.
    startTime: artifacts[0]?.created ?? new Date(0),
    executionType: e?.executionType === 'ROLLBACK' ? 'ROLLBACK' : 'STANDARD',
    ...(e?.trigger?.triggerType ? { triggerType: e.trigger.triggerType } : {}),
    ...(e?.trigger?.triggerDetail ? { triggerDetail: e.trigger.triggerDetail } : {}),
    ...(target ? { rollbackTargetExecutionId: target } : {}),
    sourceRevisions,
    ...(e?.pipelineVersion !== undefined ? { pipelineVersion: e.pipelineVersion } : {}),
    ...(e?.statusSummary ? { statusSummary: e.statusSummary } : {}),
    detail: {
      executionId: id,
      sourceRevisions,
      artifactRevisions: artifacts.map((a) => ({
        name: a.name ?? '',
        ...(a.revisionId ? { revisionId: a.revisionId } : {}),
        ...(a.revisionSummary ? { summary: a.revisionSummary } : {}),
        ...(a.revisionUrl ? { url: a.revisionUrl } : {}),
      })),
      variables: Object.fromEntries(
        (e?.variables ?? []).map((v) => [v.name ?? '', v.resolvedValue ?? '']),
      ),
    },
  };
}

/**
 * The output variables of a release's build, test and deploy actions (ListActionExecutions), as
 * `Namespace.NAME`: under the action's namespace, the name the pipeline itself refers to them by,
 * else under the action's name. Source actions are left out: their commit id and message are the
 * release's source revisions already. Builds export DEPENDENCIES (domain/library-diff.ts) and
 * ROLLBACK_UNSAFE (domain/rollback-decision/rollback-safety.ts) this way; GetPipelineExecution only has
 * the pipeline-level variables.
 */
export type ActionOutputVariables = Readonly<Record<string, string>>;

export function toActionOutputVariables(
  details: readonly ActionExecutionDetail[],
): ActionOutputVariables {
  const out: Record<string, string> = {};
  for (const d of details) {
    if (d.input?.actionTypeId?.category === 'Source') continue;
    const under = d.input?.namespace ?? d.actionName ?? 'Action';
    for (const [name, value] of Object.entries(d.output?.outputVariables ?? {})) {
      out[`${under}.${name}`] = value;
    }
  }
  return out;
}
