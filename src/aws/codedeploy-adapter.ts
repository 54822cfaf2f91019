// The CodeDeploy door: every CodeDeploy call the bot makes, one SDK attempt each, answering the
// bot's own shapes (codedeploy-shapes.ts). ListDeployments is read with the SDK's paginator;
// BatchGetDeployments is sent from `getDeployments` only.
import {
  BatchGetDeploymentsCommand,
  type CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  paginateListDeployments,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import type { DeployRevision, FileExistsBehavior } from '../domain/releases.js';
import { awsCall, type CallBudget, type NoBudget, readPages } from './aws-call.js';
import type { Account, AwsClients } from './aws-clients.js';
import { type AwsResource, toAwsCallError } from './aws-errors.js';
import {
  type DeploymentDetail,
  type DeploymentGroupView,
  toDeploymentDetail,
  toDeploymentGroupView,
  toSdkRevision,
} from './codedeploy-shapes.js';

export type { DeploymentDetail, DeploymentGroupView } from './codedeploy-shapes.js';

/** BatchGetDeployments takes at most 25 ids a call. */
const IDS_PER_CALL = 25;

interface Door {
  client: CodeDeployClient;
  account: Account;
}

const where = (door: Door, application: string, deploymentGroup?: string): AwsResource => ({
  account: door.account,
  application,
  ...(deploymentGroup ? { deploymentGroup } : {}),
});

export interface GetDeploymentsOptions {
  /** Names the group in an error, when the caller knows it. */
  deploymentGroup?: string;
}

/**
 * The deployments, newest first; unknown ids are left out. `application` names them in an error
 * (undefined: the caller knows them by id only).
 */
async function getDeployments(
  door: Door,
  application: string | undefined,
  ids: readonly string[],
  opts: GetDeploymentsOptions & Partial<CallBudget>,
): Promise<DeploymentDetail[] | undefined> {
  const on = application
    ? where(door, application, opts.deploymentGroup)
    : { account: door.account, deployment: ids.join(', ') };
  const out: DeploymentDetail[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
    if (opts.mayCall && !opts.mayCall()) return undefined;
    const deploymentIds = ids.slice(i, i + IDS_PER_CALL);
    const res = await awsCall('BatchGetDeployments', on, () =>
      door.client.send(new BatchGetDeploymentsCommand({ deploymentIds })),
    );
    out.push(...(res.deploymentsInfo ?? []).map(toDeploymentDetail));
  }
  return out.sort((a, b) => b.createTime.getTime() - a.createTime.getTime());
}

export interface ListDeploymentIdsOptions {
  /** Pages are read until at least this many ids are listed (default: one page). */
  atLeast?: number;
  createdAfter?: Date;
}

/** The group's deployment ids, newest first, as ListDeployments pages them. */
async function listDeploymentIds(
  door: Door,
  application: string,
  group: string,
  opts: ListDeploymentIdsOptions & Partial<CallBudget>,
): Promise<string[] | undefined> {
  const count = (pages: readonly { deployments?: string[] }[]) =>
    pages.reduce((n, p) => n + (p.deployments?.length ?? 0), 0);
  const pages = await readPages(
    'ListDeployments',
    where(door, application, group),
    paginateListDeployments(
      { client: door.client },
      {
        applicationName: application,
        deploymentGroupName: group,
        ...(opts.createdAfter ? { createTimeRange: { start: opts.createdAfter } } : {}),
      },
    ),
    {
      hasNext: (p) => !!p.nextToken,
      enough: (read) => count(read) >= (opts.atLeast ?? 1),
      mayCall: opts.mayCall,
    },
  );
  return pages?.flatMap((p) => p.deployments ?? []);
}

async function getGroup(door: Door, app: string, group: string): Promise<DeploymentGroupView> {
  const out = await awsCall('GetDeploymentGroup', where(door, app, group), () =>
    door.client.send(
      new GetDeploymentGroupCommand({ applicationName: app, deploymentGroupName: group }),
    ),
  );
  return toDeploymentGroupView(out.deploymentGroupInfo);
}

async function getDeployment(door: Door, id: string): Promise<DeploymentDetail> {
  const out = await awsCall('GetDeployment', { account: door.account, deployment: id }, () =>
    door.client.send(new GetDeploymentCommand({ deploymentId: id })),
  );
  return toDeploymentDetail(out.deploymentInfo ?? {});
}

export interface NewDeployment {
  application: string;
  deploymentGroup: string;
  revision: DeployRevision;
  fileExistsBehavior: FileExistsBehavior;
  description: string;
}

async function createDeployment(door: Door, input: NewDeployment): Promise<string> {
  const on = where(door, input.application, input.deploymentGroup);
  const out = await awsCall('CreateDeployment', on, () =>
    door.client.send(
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
      where(door, input.application),
    );
  }
  return out.deploymentId;
}

export function createCodeDeployAdapter(clients: AwsClients, account: Account) {
  const door: Door = { client: clients.codedeploy(account), account };

  function deployments(
    application: string | undefined,
    ids: readonly string[],
    opts: GetDeploymentsOptions & CallBudget,
  ): Promise<DeploymentDetail[] | undefined>;
  function deployments(
    application: string | undefined,
    ids: readonly string[],
    opts?: GetDeploymentsOptions & NoBudget,
  ): Promise<DeploymentDetail[]>;
  function deployments(
    application: string | undefined,
    ids: readonly string[],
    opts: GetDeploymentsOptions & Partial<CallBudget> = {},
  ) {
    return getDeployments(door, application, ids, opts);
  }

  function deploymentIds(
    application: string,
    group: string,
    opts: ListDeploymentIdsOptions & CallBudget,
  ): Promise<string[] | undefined>;
  function deploymentIds(
    application: string,
    group: string,
    opts?: ListDeploymentIdsOptions & NoBudget,
  ): Promise<string[]>;
  function deploymentIds(
    application: string,
    group: string,
    opts: ListDeploymentIdsOptions & Partial<CallBudget> = {},
  ) {
    return listDeploymentIds(door, application, group, opts);
  }

  return {
    /** BatchGetDeployments (≤ 25 ids a call): the one place it is sent and mapped. */
    getDeployments: deployments,
    listDeploymentIds: deploymentIds,
    getGroup: (app: string, group: string) => getGroup(door, app, group),

    /** Recent deployments of the group, newest first, up to `limit`. */
    async listRecent(
      app: string,
      group: string,
      limit: number,
      createdAfter?: Date,
    ): Promise<DeploymentDetail[]> {
      const ids = await deploymentIds(app, group, {
        atLeast: limit * 2,
        ...(createdAfter ? { createdAfter } : {}),
      });
      return (await deployments(app, ids)).slice(0, limit);
    },

    getDeployment: (id: string) => getDeployment(door, id),
    createDeployment: (input: NewDeployment) => createDeployment(door, input),

    /** Stops a deployment and asks CodeDeploy to roll the instances back. */
    async stopWithRollback(id: string): Promise<string | undefined> {
      const out = await awsCall('StopDeployment', { account, deployment: id }, () =>
        door.client.send(
          new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
        ),
      );
      return out.status;
    },
  };
}

export type CodeDeployAdapter = ReturnType<typeof createCodeDeployAdapter>;
