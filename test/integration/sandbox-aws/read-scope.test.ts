// The read scope (src/aws/read-scope.ts) with the real SDK clients from createAwsClients against
// the local endpoint: within a scope an identical read reaches AWS once; a write, a failure or
// the end of the scope makes the next read go to AWS again; outside a scope nothing is shared.
import {
  DisableStageTransitionCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import { inReadScope, isReadOperation } from '../../../src/aws/read-scope.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { GOOD, testWorld } from './support.js';

let sandbox: AwsSandbox;
let aws: AwsClients;
const account = { region: 'us-east-1' };

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld(), time: { mode: 'manual' } });
  aws = createAwsClients({
    endpoint: sandbox.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  aws.destroy();
  await sandbox.close();
});
beforeEach(() => {
  sandbox.control.clearCalls();
  sandbox.control.clearFaults();
});

const cp = () => aws.codepipeline(account);
const getGood = () =>
  cp().send(
    new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId: GOOD }),
  );
const callsOf = (operation: string) => sandbox.control.calls({ operation }).length;

describe('read scope', () => {
  it('sends identical reads once inside a scope, concurrent or one after another', async () => {
    const [a, b, c] = await inReadScope(async () => {
      const [first, second] = await Promise.all([getGood(), getGood()]);
      return [first, second, await getGood()];
    });
    expect(callsOf('GetPipelineExecution')).toBe(1);
    expect(a.pipelineExecution?.pipelineExecutionId).toBe(GOOD);
    expect(b).toBe(a);
    expect(c).toBe(a);
    // Different input, different read.
    await inReadScope(async () => {
      await cp().send(
        new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 1 }),
      );
      await cp().send(
        new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 2 }),
      );
    });
    expect(callsOf('ListPipelineExecutions')).toBe(2);
  });

  it('shares nothing outside a scope, nor between two scopes', async () => {
    await getGood();
    await getGood();
    await inReadScope(getGood);
    await inReadScope(getGood);
    expect(callsOf('GetPipelineExecution')).toBe(4);
  });

  it('forgets every read after a write through the same clients', async () => {
    await inReadScope(async () => {
      await cp().send(new GetPipelineStateCommand({ name: 'web-app' }));
      await aws.codepipeline(account).send(
        new DisableStageTransitionCommand({
          pipelineName: 'web-app',
          stageName: 'Deploy',
          transitionType: 'Inbound',
          reason: 'read scope test',
        }),
      );
      const after = await cp().send(new GetPipelineStateCommand({ name: 'web-app' }));
      const deploy = after.stageStates?.find((s) => s.stageName === 'Deploy');
      expect(deploy?.inboundTransitionState?.enabled).toBe(false);
    });
    expect(callsOf('GetPipelineState')).toBe(2);
  });

  it('does not keep a failed read: the next one asks AWS again', async () => {
    sandbox.control.injectFault('GetPipelineExecution', { http500: 1 });
    const second = await inReadScope(async () => {
      await expect(getGood()).rejects.toBeDefined();
      return getGood();
    });
    expect(second.pipelineExecution?.pipelineExecutionId).toBe(GOOD);
    expect(callsOf('GetPipelineExecution')).toBe(2);
  });

  it('knows reads from writes by operation name', () => {
    for (const op of [
      'GetPipeline',
      'ListActionExecutions',
      'DescribeAlarms',
      'BatchGetDeployments',
    ])
      expect(isReadOperation(op)).toBe(true);
    for (const op of ['RollbackStage', 'CreateDeployment', 'StopDeployment', 'Getaway', 'List'])
      expect(isReadOperation(op)).toBe(false);
  });
});
