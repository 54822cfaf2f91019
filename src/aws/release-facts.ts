// What AWS says about a release the events named: its source revisions, whether it is itself a
// rollback, and whether AWS is rolling it back on its own. Events never say; the APIs do.
import { OUR_ROLLBACK_DESCRIPTION } from '../domain/deployment-releases.js';
import {
  type DeployRevision,
  describeDeployRevision,
  type SourceRevision,
} from '../domain/releases.js';
import type { Account, AwsClients } from './aws-clients.js';
import { createCodeDeployAdapter } from './codedeploy-adapter.js';
import { createCodePipelineAdapter } from './codepipeline-adapter.js';

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
  const e = await createCodePipelineAdapter(clients, account).getExecution(pipeline, executionId);
  return {
    releaseId: executionId,
    sourceRevisions: e.sourceRevisions,
    isRollback: e.executionType === 'ROLLBACK',
    ...(e.triggerType ? { how: e.triggerType } : {}),
    ...(e.triggerDetail ? { triggerDetail: e.triggerDetail } : {}),
    ...(e.rollbackTargetExecutionId ? { rollbackTargetId: e.rollbackTargetExecutionId } : {}),
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
  const cp = createCodePipelineAdapter(clients, account);
  const latest = await cp.getStageState(pipeline, stage);
  if (
    latest.latestType === 'ROLLBACK' &&
    latest.latestExecutionId &&
    latest.latestExecutionId !== failedExecutionId
  ) {
    const rid = latest.latestExecutionId;
    const rollback = await cp.getExecution(pipeline, rid);
    if (
      rollback.triggerType === 'AutomatedRollback' &&
      (!rollback.triggerDetail || rollback.triggerDetail === failedExecutionId)
    ) {
      return { rollingBack: true, rollbackId: rid, why: 'AutomatedRollback execution started' };
    }
  }
  const definition = await cp.getPipeline(pipeline, latest.pipelineVersion);
  if (definition.rollbackOnFailure.includes(stage)) {
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
export function deploymentSourceRevisions(r: DeployRevision | undefined): SourceRevision[] {
  switch (r?.revisionType) {
    case undefined:
      return [];
    case 'GitHub':
      return [
        {
          actionName: 'GitHub',
          revisionId: r.gitHubLocation.commitId,
          message: r.gitHubLocation.repository,
        },
      ];
    case 'S3':
      return [{ actionName: 'S3', revisionId: describeDeployRevision(r) }];
    case 'AppSpecContent':
      return [{ actionName: r.revisionType, revisionId: r.appSpecContent.sha256 ?? '' }];
  }
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
  const cd = createCodeDeployAdapter(clients, account);
  const d = (await cd.getDeployments(undefined, [deploymentId]))[0];
  const ours = d?.description?.match(OUR_ROLLBACK_DESCRIPTION)?.[1];
  const facts: ReleaseFacts & { triggeringId?: string } = {
    releaseId: deploymentId,
    sourceRevisions: deploymentSourceRevisions(d?.revision),
    isRollback: d?.creator === 'codeDeployRollback' || ours !== undefined,
    ...(d?.creator ? { how: d.creator } : {}),
    ...(ours ? { requestId: ours } : {}),
  };
  const triggering = d?.rollbackTriggeringDeploymentId;
  if (triggering && facts.isRollback) facts.triggeringId = triggering;
  if (d?.rollbackDeploymentId) {
    return {
      ...facts,
      awsRollback: {
        rollingBack: true,
        rollbackId: d.rollbackDeploymentId,
        why: 'CodeDeploy started a rollback deployment',
      },
    };
  }
  if (d?.status === 'Failed' && d.application && d.deploymentGroup) {
    if ((await cd.getGroup(d.application, d.deploymentGroup)).rollsBackOnFailure) {
      return {
        ...facts,
        awsRollback: { rollingBack: true, why: 'the group rolls back on deployment failure' },
      };
    }
  }
  return { ...facts, awsRollback: { rollingBack: false } };
}
