import {
  BatchGetDeploymentsCommand,
  BatchLimitExceededException,
  CreateDeploymentCommand,
  DeploymentAlreadyCompletedException,
  DeploymentGroupDoesNotExistException,
  DeploymentLimitExceededException,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { clients, testWorld } from './support.js';

let sandbox: AwsSandbox;
let cd: ReturnType<typeof clients>['codedeploy'];
const group = { applicationName: 'billing-api', deploymentGroupName: 'prod-eu' };
const revision = {
  revisionType: 'S3' as const,
  s3Location: { bucket: 'acme-builds', key: 'billing/3.zip', bundleType: 'zip' as const },
};

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld() });
  cd = clients(sandbox.url, 'eu-west-1').codedeploy;
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
});

const info = async (deploymentId: string) =>
  (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;

describe('CodeDeploy', () => {
  it('allows one active deployment per group', async () => {
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({ ...group, revision, fileExistsBehavior: 'OVERWRITE' }),
    );
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    const second = await cd
      .send(new CreateDeploymentCommand({ ...group, revision }))
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DeploymentLimitExceededException);
    sandbox.control.advance(60_000);
    const d = await info(deploymentId!);
    expect(d).toMatchObject({
      status: 'Succeeded',
      creator: 'user',
      fileExistsBehavior: 'OVERWRITE',
      revision,
    });
    expect(d?.previousRevision?.s3Location?.key).toBe('billing/2.zip');
    await cd.send(new CreateDeploymentCommand({ ...group, revision }));
  });

  it('reports last successful and attempted deployments on the group', async () => {
    const g = (await cd.send(new GetDeploymentGroupCommand(group))).deploymentGroupInfo;
    expect(g?.lastSuccessfulDeployment?.deploymentId).toBe('d-AAAAAAAA2');
    expect(g?.autoRollbackConfiguration).toEqual({
      enabled: true,
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
    });
    expect(g?.alarmConfiguration?.alarms).toEqual([{ name: 'billing-eu-5xx' }]);
    const missing = await cd
      .send(
        new GetDeploymentGroupCommand({
          applicationName: 'billing-api',
          deploymentGroupName: 'nope',
        }),
      )
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DeploymentGroupDoesNotExistException);
  });

  it('StopDeployment with autoRollbackEnabled creates a codeDeployRollback deployment', async () => {
    const { deploymentId } = await cd.send(new CreateDeploymentCommand({ ...group, revision }));
    const stop = await cd.send(
      new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }),
    );
    expect(stop.status).toBe('Pending');
    const stopped = await info(deploymentId!);
    expect(stopped?.status).toBe('Stopped');
    const rollbackId = stopped?.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toMatch(/^d-/);
    const rollback = await info(rollbackId!);
    expect(rollback).toMatchObject({
      creator: 'codeDeployRollback',
      status: 'InProgress',
      rollbackInfo: { rollbackTriggeringDeploymentId: deploymentId },
    });
    expect(rollback?.revision?.s3Location?.key).toBe('billing/2.zip');
    const again = await cd
      .send(new StopDeploymentCommand({ deploymentId }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(DeploymentAlreadyCompletedException);
  });

  it('rolls back automatically on failure and on alarm', async () => {
    sandbox.control.startDeployment('billing-api', 'prod-eu', {
      region: 'eu-west-1',
      revision: { s3: { bucket: 'acme-builds', key: 'billing/bad.zip' } },
      outcome: { fail: true },
    });
    sandbox.control.advance(60_000);
    sandbox.control.runUntilIdle();
    const ids = (await cd.send(new ListDeploymentsCommand(group))).deployments ?? [];
    const infos =
      (await cd.send(new BatchGetDeploymentsCommand({ deploymentIds: ids }))).deploymentsInfo ?? [];
    const byKey = (k: string) => infos.filter((d) => d.revision?.s3Location?.key === k);
    expect(byKey('billing/bad.zip')[0]).toMatchObject({ status: 'Failed' });
    expect(infos.find((d) => d.creator === 'codeDeployRollback')).toMatchObject({
      status: 'Succeeded',
    });

    const { deploymentId } = await cd.send(new CreateDeploymentCommand({ ...group, revision }));
    sandbox.control.advance(10_000);
    sandbox.control.setAlarmState('billing-eu-5xx', 'ALARM', '5xx spike', 'eu-west-1');
    const stopped = await info(deploymentId!);
    expect(stopped?.status).toBe('Stopped');
    expect(stopped?.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(stopped?.rollbackInfo?.rollbackDeploymentId).toMatch(/^d-/);
  });

  it('filters ListDeployments and limits BatchGetDeployments to 25 ids', async () => {
    const failedOnly = await cd.send(
      new ListDeploymentsCommand({ ...group, includeOnlyStatuses: ['Failed'] }),
    );
    expect(failedOnly.deployments).toEqual([]);
    const ranged = await cd.send(
      new ListDeploymentsCommand({
        ...group,
        createTimeRange: {
          start: new Date('2026-11-19T00:00:00Z'),
          end: new Date('2026-11-20T00:00:00Z'),
        },
      }),
    );
    expect(ranged.deployments).toEqual(['d-AAAAAAAA2']);
    const tooMany = await cd
      .send(
        new BatchGetDeploymentsCommand({
          deploymentIds: Array.from({ length: 26 }, () => 'd-AAAAAAAA1'),
        }),
      )
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(BatchLimitExceededException);
  });
});
