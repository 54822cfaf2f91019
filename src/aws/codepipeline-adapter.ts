// CodePipeline calls the engine makes, returning domain shapes. One SDK attempt per call.
import {
  type ActionExecutionDetail,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type PipelineExecutionSummary,
  RollbackStageCommand,
  type SourceRevision as SdkSourceRevision,
  type StageState as SdkStageState,
} from '@aws-sdk/client-codepipeline';
import type { ReleaseDetail } from '../domain/release-diff.js';
import type { ExecutionStatus, PipelineRelease, SourceRevision } from '../domain/releases.js';
import type { Account, AwsClients } from './aws-clients.js';
import { type AwsResource, toAwsCallError } from './aws-errors.js';
import { parseRevisionSummary } from './revision-summary.js';

export interface StageState {
  latestExecutionId?: string;
  latestStatus?: string;
  inboundEnabled: boolean;
  disabledReason?: string;
}

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
  /** The latest status change of any of the stage's actions. */
  lastChangeAt?: Date;
}

function toStageView(s: SdkStageState): StageView | undefined {
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
  return {
    stage: s.stageName,
    ...(latest?.pipelineExecutionId ? { latestExecutionId: latest.pipelineExecutionId } : {}),
    ...(latest?.status ? { latestStatus: latest.status } : {}),
    ...(latest?.type ? { latestType: latest.type } : {}),
    inboundEnabled: t?.enabled ?? true,
    ...(t?.disabledReason ? { disabledReason: t.disabledReason } : {}),
    ...(t?.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
    ...(waiting ? { waitingExecutionId: waiting } : {}),
    ...(times.length > 0 ? { lastChangeAt: new Date(Math.max(...times)) } : {}),
  };
}

export interface ExecutionDetail extends PipelineRelease {
  statusSummary?: string;
  detail: ReleaseDetail;
}

function toSourceRevision(s: SdkSourceRevision): SourceRevision {
  const parsed = parseRevisionSummary(s.revisionSummary);
  return {
    actionName: s.actionName ?? 'Source',
    revisionId: s.revisionId ?? '',
    ...parsed,
    ...(s.revisionUrl ? { url: s.revisionUrl } : {}),
  };
}

function toRelease(s: PipelineExecutionSummary): PipelineRelease {
  const target = s.rollbackMetadata?.rollbackTargetPipelineExecutionId;
  return {
    executionId: s.pipelineExecutionId ?? '',
    status: (s.status ?? 'InProgress') as ExecutionStatus,
    startTime: s.startTime ?? new Date(0),
    executionType: s.executionType === 'ROLLBACK' ? 'ROLLBACK' : 'STANDARD',
    ...(s.trigger?.triggerType ? { triggerType: s.trigger.triggerType } : {}),
    ...(target ? { rollbackTargetExecutionId: target } : {}),
    sourceRevisions: (s.sourceRevisions ?? []).map(toSourceRevision),
  };
}

/** Output variables of the non-source actions, as `Action.NAME`. */
export function actionOutputVariables(
  details: readonly ActionExecutionDetail[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    if (d.input?.actionTypeId?.category === 'Source') continue;
    for (const [k, v] of Object.entries(d.output?.outputVariables ?? {})) {
      out[`${d.actionName ?? 'Action'}.${k}`] = v;
    }
  }
  return out;
}

export function createCodePipelineAdapter(clients: AwsClients, account: Account) {
  const client = clients.codepipeline(account);
  const where = (pipeline: string, stage?: string): AwsResource => ({
    account,
    pipeline,
    ...(stage ? { stage } : {}),
  });

  async function call<T>(op: string, context: AwsResource, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toAwsCallError(err, op, context);
    }
  }

  /** GetPipelineState, mapped; `stage` only names the stage in an error. */
  async function readStages(pipeline: string, stage?: string): Promise<StageView[]> {
    const out = await call('GetPipelineState', where(pipeline, stage), () =>
      client.send(new GetPipelineStateCommand({ name: pipeline })),
    );
    return (out.stageStates ?? []).flatMap((s) => toStageView(s) ?? []);
  }

  /** The execution's action executions as AWS lists them (up to 5 pages of 100). */
  async function listActionExecutions(
    pipeline: string,
    executionId: string,
  ): Promise<ActionExecutionDetail[]> {
    const out: ActionExecutionDetail[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await call('ListActionExecutions', where(pipeline), () =>
        client.send(
          new ListActionExecutionsCommand({
            pipelineName: pipeline,
            filter: { pipelineExecutionId: executionId },
            maxResults: 100,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      out.push(...(res.actionExecutionDetails ?? []));
      nextToken = res.nextToken;
      if (!nextToken) break;
    }
    return out;
  }

  return {
    async getPipeline(pipeline: string): Promise<{ version: number; stageNames: string[] }> {
      const out = await call('GetPipeline', where(pipeline), () =>
        client.send(new GetPipelineCommand({ name: pipeline })),
      );
      return {
        version: out.pipeline?.version ?? 1,
        stageNames: (out.pipeline?.stages ?? []).map((s) => s.name ?? ''),
      };
    },

    /** Every stage of the pipeline, in order (GetPipelineState: the one place it is mapped). */
    getPipelineState: (pipeline: string): Promise<StageView[]> => readStages(pipeline),

    async getStageState(pipeline: string, stage: string): Promise<StageState> {
      const s = (await readStages(pipeline, stage)).find((x) => x.stage === stage);
      return {
        ...(s?.latestExecutionId ? { latestExecutionId: s.latestExecutionId } : {}),
        ...(s?.latestStatus ? { latestStatus: s.latestStatus } : {}),
        inboundEnabled: s?.inboundEnabled ?? true,
        ...(s?.disabledReason ? { disabledReason: s.disabledReason } : {}),
      };
    },

    /** Newest first, up to `limit` (paginates). */
    async listExecutions(
      pipeline: string,
      opts: { limit: number; succeededInStage?: string },
    ): Promise<PipelineRelease[]> {
      const out: PipelineRelease[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call(
          'ListPipelineExecutions',
          where(pipeline, opts.succeededInStage),
          () =>
            client.send(
              new ListPipelineExecutionsCommand({
                pipelineName: pipeline,
                maxResults: Math.min(100, Math.max(1, opts.limit - out.length)),
                ...(nextToken ? { nextToken } : {}),
                ...(opts.succeededInStage
                  ? { filter: { succeededInStage: { stageName: opts.succeededInStage } } }
                  : {}),
              }),
            ),
        );
        out.push(...(page.pipelineExecutionSummaries ?? []).map(toRelease));
        nextToken = page.nextToken;
      } while (nextToken && out.length < opts.limit);
      return out.slice(0, opts.limit);
    },

    /**
     * Output variables of the execution's non-source actions, as `Action.NAME` (builds export
     * DEPENDENCIES and ROLLBACK_UNSAFE this way; GetPipelineExecution only has pipeline-level ones).
     */
    async getActionOutputVariables(
      pipeline: string,
      executionId: string,
    ): Promise<Record<string, string>> {
      return actionOutputVariables(await listActionExecutions(pipeline, executionId));
    },

    listActionExecutions,

    async getExecution(pipeline: string, executionId: string): Promise<ExecutionDetail> {
      const out = await call('GetPipelineExecution', where(pipeline), () =>
        client.send(
          new GetPipelineExecutionCommand({
            pipelineName: pipeline,
            pipelineExecutionId: executionId,
          }),
        ),
      );
      const e = out.pipelineExecution ?? {};
      const artifacts = e.artifactRevisions ?? [];
      // GetPipelineExecution has no sourceRevisions: the source artifacts carry the same ids.
      const sourceRevisions: SourceRevision[] = artifacts.map((a) => ({
        actionName: a.name ?? 'Source',
        revisionId: a.revisionId ?? '',
        ...parseRevisionSummary(a.revisionSummary),
        ...(a.revisionUrl ? { url: a.revisionUrl } : {}),
      }));
      const target = e.rollbackMetadata?.rollbackTargetPipelineExecutionId;
      const release: PipelineRelease = {
        executionId: e.pipelineExecutionId ?? executionId,
        status: (e.status ?? 'InProgress') as ExecutionStatus,
        // GetPipelineExecution gives no start time; callers with a listing use that one.
        startTime: artifacts[0]?.created ?? new Date(0),
        executionType: e.executionType === 'ROLLBACK' ? 'ROLLBACK' : 'STANDARD',
        ...(e.trigger?.triggerType ? { triggerType: e.trigger.triggerType } : {}),
        ...(target ? { rollbackTargetExecutionId: target } : {}),
        sourceRevisions,
        ...(e.pipelineVersion !== undefined ? { pipelineVersion: e.pipelineVersion } : {}),
      };
      return {
        ...release,
        ...(e.statusSummary ? { statusSummary: e.statusSummary } : {}),
        detail: {
          executionId: release.executionId,
          sourceRevisions,
          artifactRevisions: artifacts.map((a) => ({
            name: a.name ?? '',
            ...(a.revisionId ? { revisionId: a.revisionId } : {}),
            ...(a.revisionSummary ? { summary: a.revisionSummary } : {}),
            ...(a.revisionUrl ? { url: a.revisionUrl } : {}),
          })),
          variables: Object.fromEntries(
            (e.variables ?? []).map((v) => [v.name ?? '', v.resolvedValue ?? '']),
          ),
        },
      };
    },

    async rollbackStage(
      pipeline: string,
      stage: string,
      targetExecutionId: string,
    ): Promise<string> {
      const out = await call('RollbackStage', where(pipeline, stage), () =>
        client.send(
          new RollbackStageCommand({
            pipelineName: pipeline,
            stageName: stage,
            targetPipelineExecutionId: targetExecutionId,
          }),
        ),
      );
      if (!out.pipelineExecutionId) {
        throw toAwsCallError(
          new Error('RollbackStage returned no pipelineExecutionId'),
          'RollbackStage',
          where(pipeline, stage),
        );
      }
      return out.pipelineExecutionId;
    },

    /** `reason` must already be sanitised (domain/transition-reason.ts). */
    async disableInbound(pipeline: string, stage: string, reason: string): Promise<void> {
      await call('DisableStageTransition', where(pipeline, stage), () =>
        client.send(
          new DisableStageTransitionCommand({
            pipelineName: pipeline,
            stageName: stage,
            transitionType: 'Inbound',
            reason,
          }),
        ),
      );
    },

    async enableInbound(pipeline: string, stage: string): Promise<void> {
      await call('EnableStageTransition', where(pipeline, stage), () =>
        client.send(
          new EnableStageTransitionCommand({
            pipelineName: pipeline,
            stageName: stage,
            transitionType: 'Inbound',
          }),
        ),
      );
    },
  };
}

export type CodePipelineAdapter = ReturnType<typeof createCodePipelineAdapter>;
