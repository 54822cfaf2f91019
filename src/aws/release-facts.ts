// What AWS says about a release the events named: its source revisions, whether it is itself a
// rollback, and whether AWS is rolling it back on its own. Events never say; the APIs do.
import {
  BatchGetDeploymentsCommand,
  type DeploymentInfo,
  GetDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { GetPipelineCommand, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { OUR_ROLLBACK_DESCRIPTION } from '../domain/deployment-releases.js';
import { describeDeployRevision, type SourceRevision } from '../domain/releases.js';
import type { Account, AwsClients } from './aws-clients.js';
import { type AwsResource, toAwsCallError } from './aws-errors.js';
import { createCodePipelineAdapter } from './codepipeline-adapter.js';
import { parseRevisionSummary } from './revision-summary.js';

export interface ReleaseFacts {
  releaseId: string;
  sourceRevisions: SourceRevision[];
  /** A rollback execution or deployment (AWS's or ours). */
  isRollback: boolean;
  /** For a pipeline rollback: ManualRollback or AutomatedRollback; for CodeDeploy: the creator. */
  how?: string;
  /** Our own CodeDeploy rollback deployments name the request in their description. */
  requestId?: string;
}

export interface AwsRollback {
  rollingBack: boolean;
  /** The rollback execution or deployment AWS started, when it already exists. */
  rollbackId?: string;
  why?: string;
}

async function call<T>(op: string, context: AwsResource, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toAwsCallError(err, op, context);
  }
}

export interface PipelineReleaseFacts extends ReleaseFacts {
  /** For an AutomatedRollback: the failed execution it rolls back. */
  triggerDetail?: string;
  /** For a rollback execution: the release it went back to. */
  rollbackTargetId?: string;
}

export async function pipelineReleaseFacts(
  clients: AwsClients,
  account: Account,
  pipeline: string,
  executionId: string,
): Promise<PipelineReleaseFacts> {
  const client = clients.codepipeline(account);
  const input = { pipelineName: pipeline, pipelineExecutionId: executionId };
  const where = { account, pipeline };
  const out = await call('GetPipelineExecution', where, () =>
    client.send(new GetPipelineExecutionCommand(input)),
  );
  const e = out.pipelineExecution ?? {};
  const target = e.rollbackMetadata?.rollbackTargetPipelineExecutionId;
  return {
    releaseId: executionId,
    // GetPipelineExecution has no sourceRevisions: the source artifacts carry the same ids.
    sourceRevisions: (e.artifactRevisions ?? []).map((a) => ({
      actionName: a.name ?? 'Source',
      revisionId: a.revisionId ?? '',
      ...parseRevisionSummary(a.revisionSummary),
      ...(a.revisionUrl ? { url: a.revisionUrl } : {}),
    })),
    isRollback: e.executionType === 'ROLLBACK',
    ...(e.trigger?.triggerType ? { how: e.trigger.triggerType } : {}),
    ...(e.trigger?.triggerDetail ? { triggerDetail: e.trigger.triggerDetail } : {}),
    ...(target ? { rollbackTargetId: target } : {}),
  };
}

/**
 * AWS rolls a failed stage back itself when the stage's latest execution is an
 * AutomatedRollback for this failure, or when the stage is configured `onFailure: ROLLBACK`
 * (the rollback may not have started yet when the failure event reaches us).
 */
export async function pipelineAwsRollback(
  clients: AwsClients,
  account: Account,
  pipeline: string,
  stage: string,
  failedExecutionId: string,
): Promise<AwsRollback> {
  const client = clients.codepipeline(account);
  const where = { account, pipeline, stage };
  const stages = await createCodePipelineAdapter(clients, account).getPipelineState(pipeline);
  const latest = stages.find((s) => s.stage === stage);
  if (
    latest?.latestType === 'ROLLBACK' &&
    latest.latestExecutionId &&
    latest.latestExecutionId !== failedExecutionId
  ) {
    const rid = latest.latestExecutionId;
    const out = await call('GetPipelineExecution', where, () =>
      client.send(
        new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: rid }),
      ),
    );
    const trigger = out.pipelineExecution?.trigger;
    if (
      trigger?.triggerType === 'AutomatedRollback' &&
      (!trigger.triggerDetail || trigger.triggerDetail === failedExecutionId)
    ) {
      return { rollingBack: true, rollbackId: rid, why: 'AutomatedRollback execution started' };
    }
  }
  const def = await call('GetPipeline', where, () =>
    client.send(new GetPipelineCommand({ name: pipeline })),
  );
  const spec = def.pipeline?.stages?.find((s) => s.name === stage);
  if (spec?.onFailure?.result === 'ROLLBACK') {
    return { rollingBack: true, why: 'stage configured to roll back on failure' };
  }
  return { rollingBack: false };
}

/** The pipeline's stage names in order. */
export async function pipelineStageOrder(
  clients: AwsClients,
  account: Account,
  pipeline: string,
): Promise<string[]> {
  return (await createCodePipelineAdapter(clients, account).getPipeline(pipeline)).stageNames;
}

/** A deployment revision as a "source revision" the Slack builders can show and compare. */
export function deploymentSourceRevisions(d: Pick<DeploymentInfo, 'revision'>): SourceRevision[] {
  const r = d.revision;
  if (!r) return [];
  if (r.revisionType === 'GitHub' && r.gitHubLocation?.commitId) {
    return [
      {
        actionName: 'GitHub',
        revisionId: r.gitHubLocation.commitId,
        ...(r.gitHubLocation.repository ? { message: r.gitHubLocation.repository } : {}),
      },
    ];
  }
  if (r.revisionType === 'S3' && r.s3Location?.bucket && r.s3Location.key) {
    const l = r.s3Location;
    return [
      {
        actionName: 'S3',
        revisionId: describeDeployRevision({
          revisionType: 'S3',
          s3Location: {
            bucket: l.bucket!,
            key: l.key!,
            ...(l.version ? { version: l.version } : {}),
            ...(l.eTag ? { eTag: l.eTag } : {}),
          },
        }),
      },
    ];
  }
  return [{ actionName: r.revisionType ?? 'revision', revisionId: r.appSpecContent?.sha256 ?? '' }];
}

export interface DeploymentFacts extends ReleaseFacts {
  awsRollback: AwsRollback;
  /** For a codeDeployRollback deployment: the deployment it rolls back. */
  triggeringId?: string;
}

/**
 * CodeDeploy: a deployment created by `codeDeployRollback` (or by us, named in its description)
 * is a rollback; a failed one is rolled back by AWS when it has `rollbackInfo`, or when the group
 * rolls back on DEPLOYMENT_FAILURE.
 */
export async function deploymentFacts(
  clients: AwsClients,
  account: Account,
  deploymentId: string,
): Promise<DeploymentFacts> {
  const client = clients.codedeploy(account);
  const where = { account, deployment: deploymentId };
  const out = await call('BatchGetDeployments', where, () =>
    client.send(new BatchGetDeploymentsCommand({ deploymentIds: [deploymentId] })),
  );
  const d = out.deploymentsInfo?.[0] ?? {};
  const ours = d.description?.match(OUR_ROLLBACK_DESCRIPTION)?.[1];
  const facts: ReleaseFacts & { triggeringId?: string } = {
    releaseId: deploymentId,
    sourceRevisions: deploymentSourceRevisions(d),
    isRollback: d.creator === 'codeDeployRollback' || ours !== undefined,
    ...(d.creator ? { how: d.creator } : {}),
    ...(ours ? { requestId: ours } : {}),
  };
  const triggering = d.rollbackInfo?.rollbackTriggeringDeploymentId;
  if (triggering && facts.isRollback) facts.triggeringId = triggering;
  if (d.rollbackInfo?.rollbackDeploymentId) {
    return {
      ...facts,
      awsRollback: {
        rollingBack: true,
        rollbackId: d.rollbackInfo.rollbackDeploymentId,
        why: 'CodeDeploy started a rollback deployment',
      },
    };
  }
  if (d.status === 'Failed' && d.applicationName && d.deploymentGroupName) {
    const group = {
      account,
      application: d.applicationName,
      deploymentGroup: d.deploymentGroupName,
    };
    const g = await call('GetDeploymentGroup', group, () =>
      client.send(
        new GetDeploymentGroupCommand({
          applicationName: d.applicationName!,
          deploymentGroupName: d.deploymentGroupName!,
        }),
      ),
    );
    const auto = g.deploymentGroupInfo?.autoRollbackConfiguration;
    if (auto?.enabled && auto.events?.includes('DEPLOYMENT_FAILURE')) {
      return {
        ...facts,
        awsRollback: { rollingBack: true, why: 'the group rolls back on deployment failure' },
      };
    }
  }
  return { ...facts, awsRollback: { rollingBack: false } };
}
