// The read scope (src/aws/read-scope.ts) over the real SDK clients from createAwsClients against
// the local endpoint: through a scope an identical read reaches AWS once; a write or a failure
// makes the next read go to AWS again; the clients themselves and other scopes share nothing.
import {
  DisableStageTransitionCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/aws-clients.js';
import { isReadOperation, scopeReads } from '../../../src/aws/read-scope.js';
import { BAD, sandboxWithBotClients } from '../sandbox/aws/support.js';

const account = { region: 'us-east-1' };

const t = sandboxWithBotClients();
beforeEach(() => {
  t.sandbox.control.clearCalls();
  t.sandbox.control.clearFaults();
});

// A failed execution: the clients themselves keep only finished ones (finished-executions.ts).
const getFailed = (clients: AwsClients) =>
  clients
    .codepipeline(account)
    .send(new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId: BAD }));
const callsOf = (operation: string) => t.sandbox.control.calls({ operation }).length;

describe('read scope', () => {
  it('sends identical reads once through a scope, concurrent or one after another', async () => {
    const scope = scopeReads(t.aws);
    const [a, b] = await Promise.all([getFailed(scope), getFailed(scope)]);
    const c = await getFailed(scope);
    expect(callsOf('GetPipelineExecution')).toBe(1);
    expect(a.pipelineExecution?.pipelineExecutionId).toBe(BAD);
    expect(b).toBe(a);
    expect(c).toBe(a);
    // Different input, different read.
    const cp = scope.codepipeline(account);
    await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 1 }));
    await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 2 }));
    expect(callsOf('ListPipelineExecutions')).toBe(2);
  });

  it('shares nothing through the clients themselves, nor between two scopes', async () => {
    // Live state: the clients keep only what they read about finished executions
    // (finished-executions.test.ts).
    const getState = (clients: AwsClients) =>
      clients.codepipeline(account).send(new GetPipelineStateCommand({ name: 'web-app' }));
    await getState(t.aws);
    await getState(t.aws);
    await getState(scopeReads(t.aws));
    await getState(scopeReads(t.aws));
    expect(callsOf('GetPipelineState')).toBe(4);
  });

  it('forgets every read after a write through the scope', async () => {
    const scope = scopeReads(t.aws);
    const cp = scope.codepipeline(account);
    await cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    await cp.send(
      new DisableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: 'read scope test',
      }),
    );
    const after = await cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    const deploy = after.stageStates?.find((s) => s.stageName === 'Deploy');
    expect(deploy?.inboundTransitionState?.enabled).toBe(false);
    expect(callsOf('GetPipelineState')).toBe(2);
  });

  it('does not keep a failed read: the next one asks AWS again', async () => {
    t.sandbox.control.injectFault('GetPipelineExecution', { http500: 1 });
    const scope = scopeReads(t.aws);
    await expect(getFailed(scope)).rejects.toBeDefined();
    const second = await getFailed(scope);
    expect(second.pipelineExecution?.pipelineExecutionId).toBe(BAD);
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
