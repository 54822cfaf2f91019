// CodeDeploy's answers in the bot's own shapes, and the revision CreateDeployment takes back: the
// one place each SDK shape is mapped (codedeploy-adapter.ts sends, this file reads).
import type {
  DeploymentGroupInfo,
  DeploymentInfo,
  RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import type {
  DeploymentRelease,
  DeploymentStatus,
  DeployRevision,
  FileExistsBehavior,
} from '../domain/releases.js';

function toRevision(r: RevisionLocation | undefined): DeployRevision | undefined {
  if (!r) return undefined;
  if (r.revisionType === 'S3' && r.s3Location?.bucket && r.s3Location.key) {
    const l = r.s3Location;
    return {
      revisionType: 'S3',
      s3Location: {
        bucket: l.bucket!,
        key: l.key!,
        ...(l.bundleType ? { bundleType: l.bundleType } : {}),
        ...(l.version ? { version: l.version } : {}),
        ...(l.eTag ? { eTag: l.eTag } : {}),
      },
    };
  }
  if (r.revisionType === 'GitHub' && r.gitHubLocation?.repository && r.gitHubLocation.commitId) {
    return {
      revisionType: 'GitHub',
      gitHubLocation: {
        repository: r.gitHubLocation.repository,
        commitId: r.gitHubLocation.commitId,
      },
    };
  }
  if (r.revisionType === 'AppSpecContent' && r.appSpecContent) {
    return {
      revisionType: 'AppSpecContent',
      appSpecContent: {
        ...(r.appSpecContent.content ? { content: r.appSpecContent.content } : {}),
        ...(r.appSpecContent.sha256 ? { sha256: r.appSpecContent.sha256 } : {}),
      },
    };
  }
  return undefined;
}

export function toSdkRevision(r: DeployRevision): RevisionLocation {
  switch (r.revisionType) {
    case 'S3':
      return {
        revisionType: 'S3',
        s3Location: { ...r.s3Location, bundleType: r.s3Location.bundleType as 'zip' | undefined },
      };
    case 'GitHub':
      return { revisionType: 'GitHub', gitHubLocation: r.gitHubLocation };
    case 'AppSpecContent':
      return { revisionType: 'AppSpecContent', appSpecContent: r.appSpecContent };
  }
}

/** A deployment as CodeDeploy describes it (BatchGetDeployments, GetDeployment): the release, and how it ran. */
export interface DeploymentDetail extends DeploymentRelease {
  application?: string;
  deploymentGroup?: string;
  completeTime?: Date;
  /** For a rollback deployment: the deployment it rolls back. */
  rollbackTriggeringDeploymentId?: string;
  /** CodeDeploy's words on how it ended (error information or rollback message). */
  summary?: string;
  /** Its instances by state (deploymentOverview), when CodeDeploy counts them. */
  instances?: InstanceCounts;
}

/** A deployment's instances by state, as deploymentOverview counts them. */
export interface InstanceCounts {
  pending: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  skipped: number;
  ready: number;
}

function toInstanceCounts(o: DeploymentInfo['deploymentOverview']): InstanceCounts | undefined {
  if (!o) return undefined;
  return {
    pending: o.Pending ?? 0,
    inProgress: o.InProgress ?? 0,
    succeeded: o.Succeeded ?? 0,
    failed: o.Failed ?? 0,
    skipped: o.Skipped ?? 0,
    ready: o.Ready ?? 0,
  };
}

export function toDeploymentDetail(d: DeploymentInfo): DeploymentDetail {
  const revision = toRevision(d.revision);
  const rollback = d.rollbackInfo;
  const summary = d.errorInformation?.message ?? rollback?.rollbackMessage;
  const instances = toInstanceCounts(d.deploymentOverview);
  return {
    deploymentId: d.deploymentId ?? '',
    status: (d.status ?? 'Created') as DeploymentStatus,
    createTime: d.createTime ?? new Date(0),
    ...(d.creator ? { creator: d.creator } : {}),
    ...(d.description ? { description: d.description } : {}),
    ...(revision ? { revision } : {}),
    ...(d.fileExistsBehavior
      ? { fileExistsBehavior: d.fileExistsBehavior as FileExistsBehavior }
      : {}),
    ...(rollback?.rollbackDeploymentId
      ? { rollbackDeploymentId: rollback.rollbackDeploymentId }
      : {}),
    ...(d.applicationName ? { application: d.applicationName } : {}),
    ...(d.deploymentGroupName ? { deploymentGroup: d.deploymentGroupName } : {}),
    ...(d.completeTime ? { completeTime: d.completeTime } : {}),
    ...(rollback?.rollbackTriggeringDeploymentId
      ? { rollbackTriggeringDeploymentId: rollback.rollbackTriggeringDeploymentId }
      : {}),
    ...(summary ? { summary } : {}),
    ...(instances ? { instances } : {}),
  };
}

/** A deployment group as GetDeploymentGroup describes it. */
export interface DeploymentGroupView {
  lastAttemptedId?: string;
  lastSuccessfulId?: string;
  /** The group's automatic rollback covers DEPLOYMENT_FAILURE: CodeDeploy rolls a failure back. */
  rollsBackOnFailure: boolean;
}

export function toDeploymentGroupView(g: DeploymentGroupInfo | undefined): DeploymentGroupView {
  const auto = g?.autoRollbackConfiguration;
  return {
    lastAttemptedId: g?.lastAttemptedDeployment?.deploymentId,
    lastSuccessfulId: g?.lastSuccessfulDeployment?.deploymentId,
    rollsBackOnFailure: !!auto?.enabled && !!auto.events?.includes('DEPLOYMENT_FAILURE'),
  };
}
