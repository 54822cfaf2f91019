// CodePipeline operations over the model, typed with the SDK's own input/output shapes.
import type {
  ActionExecutionDetail,
  ArtifactRevision,
  DisableStageTransitionCommandInput,
  EnableStageTransitionCommandInput,
  GetPipelineCommandInput,
  GetPipelineCommandOutput,
  GetPipelineExecutionCommandInput,
  GetPipelineExecutionCommandOutput,
  GetPipelineStateCommandInput,
  GetPipelineStateCommandOutput,
  ListActionExecutionsCommandInput,
  ListActionExecutionsCommandOutput,
  ListPipelineExecutionsCommandInput,
  ListPipelineExecutionsCommandOutput,
  ListPipelinesCommandInput,
  ListPipelinesCommandOutput,
  PipelineExecution,
  PipelineExecutionSummary,
  PipelineSummary,
  RollbackStageCommandInput,
  RollbackStageCommandOutput,
  SourceRevision,
  StageDeclaration,
  StageState,
  StopPipelineExecutionCommandInput,
  StopPipelineExecutionCommandOutput,
} from '@aws-sdk/client-codepipeline';
import { AwsError, requireString } from '../errors.js';
import { pageOf } from '../paging.js';
import type { OperationTable } from '../router-types.js';
import {
  actionArtifacts,
  type Execution,
  type Pipeline,
  type PipelinesModel,
  pipelineArn,
  runOrderOf,
} from './model.js';

type Out<T> = Omit<T, '$metadata'>;

const NAME = /^[A-Za-z0-9.@_-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkPattern(field: string, value: string, pattern: RegExp, text: string): void {
  if (!pattern.test(value)) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${text}`,
    );
  }
}

/**
 * A pipeline or stage name as the API reference constrains it (1–100 of `[A-Za-z0-9.@\-_]`):
 * AWS answers ValidationException before it looks anything up.
 */
function nameIn<T extends object>(input: Partial<T>, field: keyof T & string): string {
  const value = requireString(input, field);
  if (value.length > 100) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to 100`,
    );
  }
  checkPattern(field, value, NAME, '[A-Za-z0-9.@\\-_]+');
  return value;
}

function sourceRevisions(p: Pipeline, e: Execution): SourceRevision[] {
  const source = p.spec.stages
    .flatMap((s) => s.actions)
    .find((a) => a.name === e.revision.actionName);
  return [
    {
      actionName: e.revision.actionName ?? 'Source',
      revisionId: e.revision.id,
      revisionSummary: revisionSummary(source?.provider, e.revision.message),
      ...(e.revision.url ? { revisionUrl: e.revision.url } : {}),
    },
  ];
}

/** CodeConnections sources report the summary as JSON, as AWS does; others the plain message. */
function revisionSummary(provider: string | undefined, message: string | undefined): string {
  if (provider === 'CodeStarSourceConnection') {
    return JSON.stringify({ ProviderType: 'GitHub', CommitMessage: message ?? '' });
  }
  return message ?? '';
}

function artifactRevisions(p: Pipeline, e: Execution): ArtifactRevision[] {
  return [
    {
      name: 'SourceArtifact',
      revisionId: e.revision.id,
      revisionSummary: revisionSummary(
        p.spec.stages.flatMap((s) => s.actions).find((a) => a.name === e.revision.actionName)
          ?.provider,
        e.revision.message,
      ),
      created: new Date(e.startTime),
      ...(e.revision.url ? { revisionUrl: e.revision.url } : {}),
    },
  ];
}

function common(e: Execution) {
  return {
    trigger: { triggerType: e.trigger.triggerType, triggerDetail: e.trigger.triggerDetail ?? '' },
    executionMode: e.executionMode,
    executionType: e.executionType,
    ...(e.rollbackTargetId
      ? { rollbackMetadata: { rollbackTargetPipelineExecutionId: e.rollbackTargetId } }
      : {}),
  } as Pick<PipelineExecution, 'trigger' | 'executionMode' | 'executionType' | 'rollbackMetadata'>;
}

function summary(p: Pipeline, e: Execution): PipelineExecutionSummary {
  return {
    pipelineExecutionId: e.id,
    status: e.status,
    ...(e.statusSummary ? { statusSummary: e.statusSummary } : {}),
    startTime: new Date(e.startTime),
    lastUpdateTime: new Date(e.lastUpdateTime),
    sourceRevisions: sourceRevisions(p, e),
    ...(e.stopTrigger ? { stopTrigger: e.stopTrigger } : {}),
    ...common(e),
  };
}

function stageDeclaration(p: Pipeline, s: Pipeline['spec']['stages'][number]): StageDeclaration {
  return {
    name: s.name,
    actions: s.actions.map((a) => {
      const { inputs, outputs } = actionArtifacts(p.spec, s, a);
      return {
        name: a.name,
        actionTypeId: {
          category: a.category,
          owner: a.owner as 'AWS',
          provider: a.provider,
          version: a.version,
        },
        runOrder: runOrderOf(a),
        ...(a.configuration ? { configuration: a.configuration } : {}),
        inputArtifacts: inputs.map((name) => ({ name })),
        outputArtifacts: outputs.map((name) => ({ name })),
      };
    }),
    ...(s.onFailure ? { onFailure: { result: s.onFailure } } : {}),
  };
}

export function pipelineOperations(model: PipelinesModel, account: () => string): OperationTable {
  return {
    ListPipelines: (region, raw) => {
      const input = raw as Partial<ListPipelinesCommandInput>;
      const all = model.list(region).sort((a, b) => a.name.localeCompare(b.name));
      const page = pageOf(
        all,
        input.nextToken,
        input.maxResults ?? 100,
        1000,
        'InvalidNextTokenException',
      );
      const out: Out<ListPipelinesCommandOutput> = {
        pipelines: page.items.map(
          (p): PipelineSummary => ({
            name: p.name,
            version: p.version,
            pipelineType: p.spec.pipelineType,
            executionMode: p.spec.executionMode,
            created: new Date(p.created),
            updated: new Date(p.updated),
          }),
        ),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
      return out;
    },

    GetPipeline: (region, raw) => {
      const input = raw as Partial<GetPipelineCommandInput>;
      const p = model.get(region, nameIn(input, 'name'));
      if (input.version !== undefined && input.version !== p.version) {
        throw new AwsError(
          'PipelineVersionNotFoundException',
          `Pipeline version ${input.version} not found`,
        );
      }
      const out: Out<GetPipelineCommandOutput> = {
        pipeline: {
          name: p.name,
          roleArn:
            p.spec.roleArn ??
            `arn:aws:iam::${account()}:role/service-role/AWSCodePipelineServiceRole-${p.name}`,
          artifactStore: { type: 'S3', location: `codepipeline-${p.region}-sandbox` },
          stages: p.spec.stages.map((stage) => stageDeclaration(p, stage)),
          version: p.version,
          pipelineType: p.spec.pipelineType,
          executionMode: p.spec.executionMode,
        },
        metadata: {
          pipelineArn: pipelineArn(p, account()),
          created: new Date(p.created),
          updated: new Date(p.updated),
        },
      };
      return out;
    },

    GetPipelineState: (region, raw) => {
      const input = raw as Partial<GetPipelineStateCommandInput>;
      const p = model.get(region, nameIn(input, 'name'));
      const stageStates = p.spec.stages.map((s, index): StageState => {
        const latestId = p.latestInStage.get(s.name);
        const latest = latestId ? p.executions.find((e) => e.id === latestId) : undefined;
        const run = latest?.stages.get(s.name);
        const waiting = (p.waiting.get(s.name) ?? [])
          .map((id) => p.executions.find((e) => e.id === id))
          .filter((e): e is Execution => e !== undefined);
        const t = p.transitions.get(s.name) ?? { enabled: true };
        const state: StageState = {
          stageName: s.name,
          actionStates: s.actions.map((a) => {
            const ar = run?.actions.find((x) => x.name === a.name);
            return {
              actionName: a.name,
              ...(a.category === 'Source' && latest
                ? {
                    currentRevision: {
                      revisionId: latest.revision.id,
                      revisionChangeId: latest.revision.id,
                      created: new Date(latest.startTime),
                    },
                  }
                : {}),
              ...(ar
                ? {
                    latestExecution: {
                      actionExecutionId: ar.actionExecutionId,
                      status: ar.status,
                      lastStatusChange: new Date(ar.endTime ?? ar.startTime),
                      ...(ar.summary ? { summary: ar.summary } : {}),
                      ...(ar.externalExecutionId
                        ? { externalExecutionId: ar.externalExecutionId }
                        : {}),
                    },
                  }
                : {}),
            };
          }),
        };
        if (index > 0) {
          state.inboundTransitionState = {
            enabled: t.enabled,
            ...(t.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
            ...(t.lastChangedAt ? { lastChangedAt: new Date(t.lastChangedAt) } : {}),
            ...(t.disabledReason ? { disabledReason: t.disabledReason } : {}),
          };
        }
        if (latest && run) {
          state.latestExecution = {
            pipelineExecutionId: latest.id,
            status: run.status,
            type: latest.executionType,
          };
        }
        if (waiting.length > 0) {
          const inbound = waiting.map((e) => ({
            pipelineExecutionId: e.id,
            status: 'InProgress' as const,
            type: e.executionType,
          }));
          state.inboundExecution = inbound[inbound.length - 1]!;
          state.inboundExecutions = inbound;
        }
        return state;
      });
      const out: Out<GetPipelineStateCommandOutput> = {
        pipelineName: p.name,
        pipelineVersion: p.version,
        stageStates,
        created: new Date(p.created),
        updated: new Date(p.updated),
      };
      return out;
    },

    ListPipelineExecutions: (region, raw) => {
      const input = raw as Partial<ListPipelineExecutionsCommandInput>;
      const p = model.get(region, nameIn(input, 'pipelineName'));
      const max = input.maxResults ?? 100;
      if (!Number.isInteger(max) || max < 1 || max > 100) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
        );
      }
      const stageFilter = input.filter?.succeededInStage?.stageName;
      if (stageFilter !== undefined) model.stage(p, stageFilter);
      const all = [...p.executions]
        .filter(
          (e) => stageFilter === undefined || e.stages.get(stageFilter)?.status === 'Succeeded',
        )
        .sort(
          (a, b) => b.startTime - a.startTime || p.executions.indexOf(b) - p.executions.indexOf(a),
        );
      const page = pageOf(all, input.nextToken, max, 100, 'InvalidNextTokenException');
      const out: Out<ListPipelineExecutionsCommandOutput> = {
        pipelineExecutionSummaries: page.items.map((e) => summary(p, e)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
      return out;
    },

    GetPipelineExecution: (region, raw) => {
      const input = raw as Partial<GetPipelineExecutionCommandInput>;
      const p = model.get(region, nameIn(input, 'pipelineName'));
      const e = model.execution(p, requireString(input, 'pipelineExecutionId'));
      const out: Out<GetPipelineExecutionCommandOutput> = {
        pipelineExecution: {
          pipelineName: p.name,
          pipelineVersion: e.pipelineVersion,
          pipelineExecutionId: e.id,
          status: e.status,
          ...(e.statusSummary ? { statusSummary: e.statusSummary } : {}),
          artifactRevisions: artifactRevisions(p, e),
          // `Action.NAME` entries are that action's output variables (ListActionExecutions);
          // only undotted names are pipeline-level variables, as in AWS.
          variables: Object.entries(e.variables)
            .filter(([name]) => !name.includes('.'))
            .map(([name, resolvedValue]) => ({ name, resolvedValue })),
          ...common(e),
        },
      };
      return out;
    },

    RollbackStage: (region, raw) => {
      const input = raw as Partial<RollbackStageCommandInput>;
      const pipelineName = nameIn(input, 'pipelineName');
      const stageName = nameIn(input, 'stageName');
      const target = requireString(input, 'targetPipelineExecutionId');
      checkPattern(
        'targetPipelineExecutionId',
        target,
        UUID,
        '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
      );
      const e = model.rollbackStage(region, pipelineName, stageName, target);
      const out: Out<RollbackStageCommandOutput> = { pipelineExecutionId: e.id };
      return out;
    },

    DisableStageTransition: (region, raw) => {
      const input = raw as Partial<DisableStageTransitionCommandInput>;
      model.setTransition(
        region,
        nameIn(input, 'pipelineName'),
        nameIn(input, 'stageName'),
        requireString(input, 'transitionType'),
        false,
        input.reason,
      );
      return {};
    },

    EnableStageTransition: (region, raw) => {
      const input = raw as Partial<EnableStageTransitionCommandInput>;
      model.setTransition(
        region,
        nameIn(input, 'pipelineName'),
        nameIn(input, 'stageName'),
        requireString(input, 'transitionType'),
        true,
      );
      return {};
    },

    StopPipelineExecution: (region, raw) => {
      const input = raw as Partial<StopPipelineExecutionCommandInput>;
      const e = model.stopExecution(
        region,
        nameIn(input, 'pipelineName'),
        requireString(input, 'pipelineExecutionId'),
        input.abandon === true,
        input.reason,
      );
      const out: Out<StopPipelineExecutionCommandOutput> = { pipelineExecutionId: e.id };
      return out;
    },

    ListActionExecutions: (region, raw) => {
      const input = raw as Partial<ListActionExecutionsCommandInput>;
      const p = model.get(region, nameIn(input, 'pipelineName'));
      const only = input.filter?.pipelineExecutionId;
      if (only) model.execution(p, only);
      const details: ActionExecutionDetail[] = [];
      for (const e of p.executions) {
        if (only && e.id !== only) continue;
        for (const [stageName, run] of e.stages) {
          const stage = p.spec.stages.find((s) => s.name === stageName);
          for (const ar of run.actions) {
            const a = stage?.actions.find((x) => x.name === ar.name);
            details.push({
              pipelineExecutionId: e.id,
              actionExecutionId: ar.actionExecutionId,
              pipelineVersion: e.pipelineVersion,
              stageName,
              actionName: ar.name,
              startTime: new Date(ar.startTime),
              lastUpdateTime: new Date(ar.endTime ?? ar.startTime),
              status: ar.status,
              input: {
                ...(a
                  ? {
                      actionTypeId: {
                        category: a.category,
                        owner: a.owner as 'AWS',
                        provider: a.provider,
                        version: a.version,
                      },
                    }
                  : {}),
                configuration: a?.configuration ?? {},
                region: p.region,
              },
              output: {
                executionResult: {
                  ...(ar.externalExecutionId
                    ? { externalExecutionId: ar.externalExecutionId }
                    : {}),
                  ...(ar.summary ? { externalExecutionSummary: ar.summary } : {}),
                },
                ...(a?.category === 'Source'
                  ? {
                      outputVariables: {
                        CommitId: e.revision.id,
                        CommitMessage: e.revision.message ?? '',
                        BranchName: p.spec.branch,
                        ...(p.spec.repository ? { FullRepositoryName: p.spec.repository } : {}),
                      },
                    }
                  : actionOutputVariables(e.variables, ar.name)),
              },
            });
          }
        }
      }
      details.sort((a, b) => b.startTime!.getTime() - a.startTime!.getTime());
      const page = pageOf(
        details,
        input.nextToken,
        input.maxResults ?? 100,
        100,
        'InvalidNextTokenException',
      );
      const out: Out<ListActionExecutionsCommandOutput> = {
        actionExecutionDetails: page.items,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
      return out;
    },
  };
}

/** The `Action.NAME` execution variables of one action, as its output variables. */
function actionOutputVariables(
  variables: Record<string, string>,
  actionName: string,
): { outputVariables?: Record<string, string> } {
  const prefix = `${actionName}.`;
  const own = Object.entries(variables).filter(([k]) => k.startsWith(prefix));
  if (own.length === 0) return {};
  return { outputVariables: Object.fromEntries(own.map(([k, v]) => [k.slice(prefix.length), v])) };
}
