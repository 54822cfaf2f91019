// CodeDeploy calls the engine makes, returning domain shapes. One SDK attempt per call.
import {
  BatchGetDeploymentsCommand,
  CreateDeploymentCommand,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  type RevisionLocation,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import type {
  DeploymentRelease,
  DeploymentStatus,
  DeployRevision,
  FileExistsBehavior,
} from '../domain/releases.js';
import type { Account, AwsClients } from './aws-clients.js';
import { type AwsResource, toAwsCallError } from './aws-errors.js';

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

function toSdkRevision(r: DeployRevision): RevisionLocation {
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

export function toDeploymentRelease(d: DeploymentInfo): DeploymentRelease {
  const revision = toRevision(d.revision);
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
    ...(d.rollbackInfo?.rollbackDeploymentId
      ? { rollbackDeploymentId: d.rollbackInfo.rollbackDeploymentId }
      : {}),
  };
}

export interface DeploymentOutcome extends DeploymentRelease {
  /** CodeDeploy's words on how it ended (error information or rollback message). */
  summary?: string;
}

export function createCodeDeployAdapter(clients: AwsClients, account: Account) {
  const client = clients.codedeploy(account);
  const where = (application: string, deploymentGroup?: string): AwsResource => ({
    account,
    application,
    ...(deploymentGroup ? { deploymentGroup } : {}),
  });

  async function call<T>(op: string, context: AwsResource, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toAwsCallError(err, op, context);
    }
  }

  async function getDeployments(app: string, ids: string[]): Promise<DeploymentRelease[]> {
    const out: DeploymentRelease[] = [];
    for (let i = 0; i < ids.length; i += 25) {
      const res = await call('BatchGetDeployments', where(app), () =>
        client.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) })),
      );
      out.push(...(res.deploymentsInfo ?? []).map(toDeploymentRelease));
    }
    return out.sort((a, b) => b.createTime.getTime() - a.createTime.getTime());
  }

  return {
    getDeployments,

    async getGroup(app: string, group: string) {
      const out = await call('GetDeploymentGroup', where(app, group), () =>
        client.send(
          new GetDeploymentGroupCommand({ applicationName: app, deploymentGroupName: group }),
        ),
      );
      const g = out.deploymentGroupInfo;
      return {
        lastAttemptedId: g?.lastAttemptedDeployment?.deploymentId,
        lastSuccessfulId: g?.lastSuccessfulDeployment?.deploymentId,
      };
    },

    /** Recent deployments of the group, newest first, up to `limit`. */
    async listRecent(
      app: string,
      group: string,
      limit: number,
      createdAfter?: Date,
    ): Promise<DeploymentRelease[]> {
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call('ListDeployments', where(app, group), () =>
          client.send(
            new ListDeploymentsCommand({
              applicationName: app,
              deploymentGroupName: group,
              ...(createdAfter ? { createTimeRange: { start: createdAfter } } : {}),
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        );
        ids.push(...(page.deployments ?? []));
        nextToken = page.nextToken;
      } while (nextToken && ids.length < limit * 2);
      const all = await getDeployments(app, ids);
      return all.slice(0, limit);
    },

    async getDeployment(id: string): Promise<DeploymentOutcome> {
      const out = await call('GetDeployment', { account, deployment: id }, () =>
        client.send(new GetDeploymentCommand({ deploymentId: id })),
      );
      const d = out.deploymentInfo ?? {};
      const summary = d.errorInformation?.message ?? d.rollbackInfo?.rollbackMessage;
      return { ...toDeploymentRelease(d), ...(summary ? { summary } : {}) };
    },

    async createDeployment(input: {
      application: string;
      deploymentGroup: string;
      revision: DeployRevision;
      fileExistsBehavior: FileExistsBehavior;
      description: string;
    }): Promise<string> {
      const out = await call(
        'CreateDeployment',
        where(input.application, input.deploymentGroup),
        () =>
          client.send(
            new CreateDeploymentCommand({
              applicationName: input.application,
              deploymentGroupName: input.deploymentGroup,
              revision: toSdkRevision(input.revision),
              fileExistsBehavior: input.fileExistsBehavior,
              description: input.description.slice(0, 100),
            }),
          ),
      );
      if (!out.deploymentId) {
        throw toAwsCallError(
          new Error('CreateDeployment returned no deploymentId'),
          'CreateDeployment',
          where(input.application),
        );
      }
      return out.deploymentId;
    },

    /** Stops a deployment and asks CodeDeploy to roll the instances back. */
    async stopWithRollback(id: string): Promise<string | undefined> {
      const out = await call('StopDeployment', { account, deployment: id }, () =>
        client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true })),
      );
      return out.status;
    },
  };
}

export type CodeDeployAdapter = ReturnType<typeof createCodeDeployAdapter>;
