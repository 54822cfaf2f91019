// CodeDeploy operations over the model, typed with the SDK's own input/output shapes.
import type {
  BatchGetDeploymentsCommandInput,
  BatchGetDeploymentsCommandOutput,
  CreateDeploymentCommandInput,
  CreateDeploymentCommandOutput,
  DeploymentGroupInfo,
  DeploymentInfo,
  GetApplicationCommandInput,
  GetApplicationCommandOutput,
  GetDeploymentCommandInput,
  GetDeploymentCommandOutput,
  GetDeploymentGroupCommandInput,
  GetDeploymentGroupCommandOutput,
  LastDeploymentInfo,
  ListApplicationsCommandInput,
  ListApplicationsCommandOutput,
  ListDeploymentGroupsCommandInput,
  ListDeploymentGroupsCommandOutput,
  ListDeploymentsCommandInput,
  ListDeploymentsCommandOutput,
  RevisionLocation,
  StopDeploymentCommandInput,
  StopDeploymentCommandOutput,
} from '@aws-sdk/client-codedeploy';
import { AwsError } from '../errors.js';
import { pageOf } from '../paging.js';
import type { OperationTable } from '../router-types.js';
import type { CodeDeployModel, Deployment, DeploymentGroup } from './model.js';

type Out<T> = Omit<T, '$metadata'>;

const STATUSES = [
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Succeeded',
  'Failed',
  'Stopped',
  'Ready',
];

function deploymentInfo(model: CodeDeployModel, d: Deployment): DeploymentInfo {
  const g = model.group(d.region, d.application, d.group);
  const cfg = d.autoRollbackConfiguration ?? g.spec.autoRollbackConfiguration;
  return {
    applicationName: d.application,
    deploymentGroupName: d.group,
    deploymentConfigName: d.deploymentConfigName,
    deploymentId: d.id,
    ...(d.previousRevision ? { previousRevision: d.previousRevision } : {}),
    revision: d.revision,
    status: d.status,
    ...(d.errorInformation
      ? { errorInformation: d.errorInformation as DeploymentInfo['errorInformation'] }
      : {}),
    createTime: new Date(d.createTime),
    ...(d.startTime !== undefined ? { startTime: new Date(d.startTime) } : {}),
    ...(d.completeTime !== undefined ? { completeTime: new Date(d.completeTime) } : {}),
    deploymentOverview: overview(d),
    ...(d.description !== undefined ? { description: d.description } : {}),
    creator: d.creator as DeploymentInfo['creator'],
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: {
      enabled: cfg.enabled,
      events: cfg.events as NonNullable<DeploymentInfo['autoRollbackConfiguration']>['events'],
    },
    updateOutdatedInstancesOnly: false,
    ...(d.rollbackInfo ? { rollbackInfo: d.rollbackInfo } : {}),
    deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
    instanceTerminationWaitTimeStarted: false,
    fileExistsBehavior: d.fileExistsBehavior as DeploymentInfo['fileExistsBehavior'],
    computePlatform: model.app(d.region, d.application).spec.computePlatform,
  };
}

function overview(d: Deployment): NonNullable<DeploymentInfo['deploymentOverview']> {
  const zero = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  if (d.status === 'Succeeded') return { ...zero, Succeeded: 2 };
  if (d.status === 'Failed') return { ...zero, Succeeded: 1, Failed: 1 };
  if (d.status === 'Stopped') return { ...zero, Succeeded: 1, Skipped: 1 };
  return { ...zero, InProgress: 1, Pending: 1 };
}

function last(d: Deployment | undefined): LastDeploymentInfo | undefined {
  if (!d) return undefined;
  return {
    deploymentId: d.id,
    status: d.status,
    createTime: new Date(d.createTime),
    ...(d.completeTime !== undefined ? { endTime: new Date(d.completeTime) } : {}),
  };
}

function groupInfo(
  model: CodeDeployModel,
  g: DeploymentGroup,
  account: string,
): DeploymentGroupInfo {
  const s = g.spec;
  const lastSuccessful = last(model.lastSuccessful(g));
  const lastAttempted = last(model.lastAttempted(g));
  return {
    applicationName: g.application,
    deploymentGroupId: g.id,
    deploymentGroupName: g.name,
    deploymentConfigName: s.deploymentConfigName,
    serviceRoleArn: s.serviceRoleArn ?? `arn:aws:iam::${account}:role/CodeDeployServiceRole`,
    autoRollbackConfiguration: {
      enabled: s.autoRollbackConfiguration.enabled,
      events: s.autoRollbackConfiguration.events,
    },
    alarmConfiguration: {
      enabled: s.alarmConfiguration.enabled,
      ignorePollAlarmFailure: s.alarmConfiguration.ignorePollAlarmFailure,
      alarms: s.alarmConfiguration.alarms.map((name) => ({ name })),
    },
    deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
    ...(lastSuccessful ? { lastSuccessfulDeployment: lastSuccessful } : {}),
    ...(lastAttempted ? { lastAttemptedDeployment: lastAttempted } : {}),
    computePlatform: model.app(g.region, g.application).spec.computePlatform,
    outdatedInstancesStrategy: 'UPDATE',
  };
}

function checkRevision(r: RevisionLocation | undefined): RevisionLocation {
  if (!r) throw new AwsError('RevisionRequiredException', 'The revision ID was not specified.');
  if (r.revisionType === 'S3') {
    if (!r.s3Location?.bucket || !r.s3Location.key) {
      throw new AwsError('InvalidRevisionException', 'S3 revisions need a bucket and a key');
    }
    return r;
  }
  if (r.revisionType === 'GitHub') {
    if (!r.gitHubLocation?.repository || !r.gitHubLocation.commitId) {
      throw new AwsError(
        'InvalidRevisionException',
        'GitHub revisions need a repository and a commitId',
      );
    }
    return r;
  }
  if (r.revisionType === 'AppSpecContent' || r.revisionType === 'String') return r;
  throw new AwsError(
    'InvalidRevisionException',
    `Unsupported revisionType: ${String(r.revisionType)}`,
  );
}

/** CodeDeploy JSON carries timestamps as epoch seconds. */
function toMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  return undefined;
}

export function codeDeployOperations(
  model: CodeDeployModel,
  account: () => string,
): OperationTable {
  return {
    ListApplications: (region, raw) => {
      const input = raw as Partial<ListApplicationsCommandInput>;
      const names = model
        .applications(region)
        .map((a) => a.name)
        .sort();
      const page = pageOf(names, input.nextToken, 100, 100, 'InvalidNextTokenException');
      const out: Out<ListApplicationsCommandOutput> = {
        applications: page.items,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
      return out;
    },

    GetApplication: (region, raw) => {
      const input = raw as Partial<GetApplicationCommandInput>;
      const a = model.app(region, input.applicationName);
      const out: Out<GetApplicationCommandOutput> = {
        application: {
          applicationId: a.id,
          applicationName: a.name,
          createTime: new Date(a.createTime),
          linkedToGitHub: false,
          computePlatform: a.spec.computePlatform,
        },
      };
      return out;
    },

    ListDeploymentGroups: (region, raw) => {
      const input = raw as Partial<ListDeploymentGroupsCommandInput>;
      const a = model.app(region, input.applicationName);
      const page = pageOf(
        [...a.groups.keys()].sort(),
        input.nextToken,
        100,
        100,
        'InvalidNextTokenException',
      );
      const out: Out<ListDeploymentGroupsCommandOutput> = {
        applicationName: a.name,
        deploymentGroups: page.items,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
      return out;
    },

    GetDeploymentGroup: (region, raw) => {
      const input = raw as Partial<GetDeploymentGroupCommandInput>;
      const g = model.group(region, input.applicationName, input.deploymentGroupName);
      const out: Out<GetDeploymentGroupCommandOutput> = {
        deploymentGroupInfo: groupInfo(model, g, account()),
      };
      return out;
    },

    CreateDeployment: (region, raw) => {
      const input = raw as Partial<CreateDeploymentCommandInput>;
      const g = model.group(region, input.applicationName, input.deploymentGroupName);
      const revision = checkRevision(input.revision);
      const feb = input.fileExistsBehavior;
      if (feb !== undefined && !['DISALLOW', 'OVERWRITE', 'RETAIN'].includes(feb)) {
        throw new AwsError(
          'InvalidFileExistsBehaviorException',
          `Invalid fileExistsBehavior: ${feb}`,
        );
      }
      if (input.description && input.description.length > 100) {
        throw new AwsError('DescriptionTooLongException', 'The description is too long.');
      }
      const d = model.create(region, g.application, g.name, {
        revision,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(feb ? { fileExistsBehavior: feb } : {}),
        ...(input.deploymentConfigName ? { deploymentConfigName: input.deploymentConfigName } : {}),
        ...(input.autoRollbackConfiguration
          ? {
              autoRollbackConfiguration: {
                enabled: input.autoRollbackConfiguration.enabled ?? false,
                events: input.autoRollbackConfiguration.events ?? [],
              },
            }
          : {}),
      });
      const out: Out<CreateDeploymentCommandOutput> = { deploymentId: d.id };
      return out;
    },

    GetDeployment: (region, raw) => {
      const input = raw as Partial<GetDeploymentCommandInput>;
      const d = model.deployment(region, input.deploymentId);
      const out: Out<GetDeploymentCommandOutput> = { deploymentInfo: deploymentInfo(model, d) };
      return out;
    },

    BatchGetDeployments: (region, raw) => {
      const input = raw as Partial<BatchGetDeploymentsCommandInput>;
      const ids = input.deploymentIds ?? [];
      if (ids.length === 0) {
        throw new AwsError(
          'DeploymentIdRequiredException',
          'At least one deployment ID must be specified.',
        );
      }
      if (ids.length > 25) {
        throw new AwsError(
          'BatchLimitExceededException',
          'The maximum number of names or IDs allowed for this request (25) was exceeded.',
        );
      }
      for (const id of ids) {
        if (!/^d-[A-Z0-9]{9}$/.test(id))
          throw new AwsError('InvalidDeploymentIdException', `Invalid deployment id: ${id}`);
      }
      const out: Out<BatchGetDeploymentsCommandOutput> = {
        deploymentsInfo: ids
          .map((id) => model.tryDeployment(region, id))
          .filter((d): d is Deployment => d !== undefined)
          .map((d) => deploymentInfo(model, d)),
      };
      return out;
    },

    ListDeployments: (region, raw) => {
      const input = raw as Partial<ListDeploymentsCommandInput>;
      const hasApp = input.applicationName !== undefined;
      const hasGroup = input.deploymentGroupName !== undefined;
      if (hasGroup && !hasApp) {
        throw new AwsError(
          'ApplicationNameRequiredException',
          'The minimum number of required application names was not specified.',
        );
      }
      if (hasApp && !hasGroup) {
        throw new AwsError(
          'DeploymentGroupNameRequiredException',
          'The deployment group name was not specified.',
        );
      }
      for (const s of input.includeOnlyStatuses ?? []) {
        if (!STATUSES.includes(s))
          throw new AwsError('InvalidDeploymentStatusException', `Invalid status: ${s}`);
      }
      const range = input.createTimeRange as { start?: unknown; end?: unknown } | undefined;
      const start = toMs(range?.start);
      const end = toMs(range?.end);
      if (start !== undefined && end !== undefined && start > end) {
        throw new AwsError(
          'InvalidTimeRangeException',
          'The start time must be before the end time.',
        );
      }
      const groups = hasApp
        ? [model.group(region, input.applicationName, input.deploymentGroupName)]
        : model.applications(region).flatMap((a) => [...a.groups.values()]);
      const ids = groups
        .flatMap((g) => g.deployments)
        .filter(
          (d) => !input.includeOnlyStatuses?.length || input.includeOnlyStatuses.includes(d.status),
        )
        .filter((d) => start === undefined || d.createTime >= start)
        .filter((d) => end === undefined || d.createTime <= end)
        .sort((a, b) => b.createTime - a.createTime)
        .map((d) => d.id);
      const page = pageOf(ids, input.nextToken, 100, 100, 'InvalidNextTokenException');
      const out: Out<ListDeploymentsCommandOutput> = {
        deployments: page.items,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
      return out;
    },

    StopDeployment: (region, raw) => {
      const input = raw as Partial<StopDeploymentCommandInput>;
      const status = model.stop(region, input.deploymentId, input.autoRollbackEnabled);
      const out: Out<StopDeploymentCommandOutput> = {
        status,
        statusMessage:
          status === 'Pending'
            ? 'Stopping the deployment and rolling back to the last successful revision'
            : 'The deployment was stopped',
      };
      return out;
    },
  };
}
