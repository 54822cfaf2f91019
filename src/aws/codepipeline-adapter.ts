// The CodePipeline door: every CodePipeline call the bot makes, one SDK attempt each, answering
// the bot's own shapes (codepipeline-shapes.ts). Listings are read with the SDK's paginators.
import {
  type CodePipelineClient,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
  RollbackStageCommand,
} from '@aws-sdk/client-codepipeline';
import { awsCall, type CallBudget, type NoBudget, readPages } from './aws-call.js';
import type { Account, AwsClients } from './aws-clients.js';
import { AwsCallError, type AwsResource, toAwsCallError } from './aws-errors.js';
import {
  type ActionOutputVariables,
  type ExecutionDetail,
  type PipelineDefinition,
  type PipelineExecution,
  type StageView,
  toActionOutputVariables,
  toExecutionDetail,
  toListedExecution,
  toPipelineDefinition,
  toStageView,
} from './codepipeline-shapes.js';

export type {
  ActionOutputVariables,
  ExecutionDetail,
  PipelineDefinition,
  PipelineExecution,
  StageView,
} from './codepipeline-shapes.js';

/** ListActionExecutions pages read per execution (100 action executions each). */
const ACTION_PAGES = 5;

export interface StageState {
  /** The pipeline's structure version now (GetPipelineState names it). */
  pipelineVersion?: number;
  latestExecutionId?: string;
  latestStatus?: string;
  /** STANDARD or ROLLBACK. */
  latestType?: string;
  inboundEnabled: boolean;
  disabledReason?: string;
  lastChangedBy?: string;
  /** Every execution waiting at the inbound transition, rollbacks included (StageView.inbound). */
  inbound?: StageView['inbound'];
}

interface Door {
  client: CodePipelineClient;
  account: Account;
}

const where = (door: Door, pipeline: string, stage?: string): AwsResource => ({
  account: door.account,
  pipeline,
  ...(stage ? { stage } : {}),
});

/** GetPipelineState, mapped; `stage` only names the stage in an error. */
async function readStages(
  door: Door,
  pipeline: string,
  stage?: string,
): Promise<{ version?: number; stages: StageView[] }> {
  const out = await awsCall('GetPipelineState', where(door, pipeline, stage), () =>
    door.client.send(new GetPipelineStateCommand({ name: pipeline })),
  );
  return {
    ...(out.pipelineVersion !== undefined ? { version: out.pipelineVersion } : {}),
    stages: (out.stageStates ?? []).flatMap((s) => toStageView(s) ?? []),
  };
}

export interface ListExecutionsOptions {
  limit: number;
  succeededInStage?: string;
}

/** Newest first, up to `limit`. */
async function listExecutions(
  door: Door,
  pipeline: string,
  opts: ListExecutionsOptions & Partial<CallBudget>,
): Promise<PipelineExecution[] | undefined> {
  const stage = opts.succeededInStage;
  const pages = await readPages(
    'ListPipelineExecutions',
    where(door, pipeline, stage),
    paginateListPipelineExecutions(
      { client: door.client, pageSize: Math.min(100, Math.max(1, opts.limit)) },
      {
        pipelineName: pipeline,
        ...(stage ? { filter: { succeededInStage: { stageName: stage } } } : {}),
      },
    ),
    {
      hasNext: (p) => !!p.nextToken,
      enough: (read) =>
        read.reduce((n, p) => n + (p.pipelineExecutionSummaries?.length ?? 0), 0) >= opts.limit,
      mayCall: opts.mayCall,
    },
  );
  return pages
    ?.flatMap((p) => (p.pipelineExecutionSummaries ?? []).map(toListedExecution))
    .slice(0, opts.limit);
}

/** ListActionExecutions of one execution (up to 5 pages of 100), as its output variables. */
async function getActionOutputVariables(
  door: Door,
  pipeline: string,
  executionId: string,
): Promise<ActionOutputVariables> {
  const pages = await readPages(
    'ListActionExecutions',
    where(door, pipeline),
    paginateListActionExecutions(
      { client: door.client, pageSize: 100 },
      { pipelineName: pipeline, filter: { pipelineExecutionId: executionId } },
    ),
    { hasNext: (p) => !!p.nextToken, enough: (read) => read.length >= ACTION_PAGES },
  );
  return toActionOutputVariables(pages.flatMap((p) => p.actionExecutionDetails ?? []));
}

async function getPipeline(
  door: Door,
  pipeline: string,
  version: number | undefined,
): Promise<PipelineDefinition> {
  const read = (v: number | undefined) =>
    awsCall('GetPipeline', where(door, pipeline), () =>
      door.client.send(
        new GetPipelineCommand({ name: pipeline, ...(v !== undefined ? { version: v } : {}) }),
      ),
    );
  try {
    return toPipelineDefinition((await read(version)).pipeline);
  } catch (err) {
    // The version was replaced between the read that named it and this one: read the current.
    const gone = err instanceof AwsCallError && err.awsName === 'PipelineVersionNotFoundException';
    if (version === undefined || !gone) throw err;
    return toPipelineDefinition((await read(undefined)).pipeline);
  }
}

async function getExecution(
  door: Door,
  pipeline: string,
  executionId: string,
): Promise<ExecutionDetail> {
  const out = await awsCall('GetPipelineExecution', where(door, pipeline), () =>
    door.client.send(
      new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }),
    ),
  );
  return toExecutionDetail(out.pipelineExecution, executionId);
}

async function rollbackStage(
  door: Door,
  pipeline: string,
  stage: string,
  targetExecutionId: string,
): Promise<string> {
  const out = await awsCall('RollbackStage', where(door, pipeline, stage), () =>
    door.client.send(
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
      where(door, pipeline, stage),
    );
  }
  return out.pipelineExecutionId;
}

/** Disables (with `reason`) or enables the stage's inbound transition. */
async function setInbound(
  door: Door,
  pipeline: string,
  stage: string,
  reason: string | undefined,
): Promise<void> {
  const input = { pipelineName: pipeline, stageName: stage, transitionType: 'Inbound' as const };
  if (reason === undefined) {
    await awsCall('EnableStageTransition', where(door, pipeline, stage), () =>
      door.client.send(new EnableStageTransitionCommand(input)),
    );
    return;
  }
  await awsCall('DisableStageTransition', where(door, pipeline, stage), () =>
    door.client.send(new DisableStageTransitionCommand({ ...input, reason })),
  );
}

export function createCodePipelineAdapter(clients: AwsClients, account: Account) {
  const door: Door = { client: clients.codepipeline(account), account };

  function executions(
    pipeline: string,
    opts: ListExecutionsOptions & CallBudget,
  ): Promise<PipelineExecution[] | undefined>;
  function executions(
    pipeline: string,
    opts: ListExecutionsOptions & NoBudget,
  ): Promise<PipelineExecution[]>;
  function executions(pipeline: string, opts: ListExecutionsOptions & Partial<CallBudget>) {
    return listExecutions(door, pipeline, opts);
  }

  return {
    /**
     * The pipeline's structure: as it is now, or at `version` (GetPipelineState and stage events
     * name the current one). A definition by version never changes, so the client keeps it
     * (finished-executions.ts) and asking by version reads AWS once per version and process.
     */
    getPipeline: (pipeline: string, version?: number): Promise<PipelineDefinition> =>
      getPipeline(door, pipeline, version),

    /** Every stage of the pipeline, in order (GetPipelineState: the one place it is mapped). */
    getPipelineState: async (pipeline: string): Promise<StageView[]> =>
      (await readStages(door, pipeline)).stages,

    async getStageState(pipeline: string, stage: string): Promise<StageState> {
      const { version, stages } = await readStages(door, pipeline, stage);
      const s = stages.find((x) => x.stage === stage);
      return {
        ...(version !== undefined ? { pipelineVersion: version } : {}),
        ...(s?.latestExecutionId ? { latestExecutionId: s.latestExecutionId } : {}),
        ...(s?.latestStatus ? { latestStatus: s.latestStatus } : {}),
        ...(s?.latestType ? { latestType: s.latestType } : {}),
        inboundEnabled: s?.inboundEnabled ?? true,
        ...(s?.disabledReason ? { disabledReason: s.disabledReason } : {}),
        ...(s?.lastChangedBy ? { lastChangedBy: s.lastChangedBy } : {}),
        ...(s?.inbound ? { inbound: s.inbound } : {}),
      };
    },

    /** ListPipelineExecutions, newest first, up to `limit`. */
    listExecutions: executions,

    /** GetPipelineExecution: the one place it is mapped. */
    getExecution: (pipeline: string, executionId: string) =>
      getExecution(door, pipeline, executionId),

    /** The output variables of the execution's non-source actions, as `Namespace.NAME`. */
    getActionOutputVariables: (pipeline: string, executionId: string) =>
      getActionOutputVariables(door, pipeline, executionId),

    rollbackStage: (pipeline: string, stage: string, targetExecutionId: string) =>
      rollbackStage(door, pipeline, stage, targetExecutionId),

    /** `reason` must already be sanitised (domain/transition-reason.ts). */
    disableInbound: (pipeline: string, stage: string, reason: string) =>
      setInbound(door, pipeline, stage, reason),

    enableInbound: (pipeline: string, stage: string) =>
      setInbound(door, pipeline, stage, undefined),
  };
}

export type CodePipelineAdapter = ReturnType<typeof createCodePipelineAdapter>;
