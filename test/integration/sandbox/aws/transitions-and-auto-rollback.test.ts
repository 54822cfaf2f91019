import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  InvalidNextTokenException,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PipelineExecutionNotStoppableException,
  StopPipelineExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { BAD, clients, GOOD, OLD_OK, OLD_VERSION, PAST_ROLLBACK, testWorld } from './support.js';

let sandbox: AwsSandbox;
let cp: ReturnType<typeof clients>['codepipeline'];
let cpEu: ReturnType<typeof clients>['codepipeline'];

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld() });
  cp = clients(sandbox.url).codepipeline;
  cpEu = clients(sandbox.url, 'eu-west-1').codepipeline;
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
});

const status = async (id: string) =>
  (
    await cp.send(
      new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId: id }),
    )
  ).pipelineExecution?.status;

describe('stage transitions', () => {
  it('validates the reason as AWS does', async () => {
    for (const reason of ['', 'freeze: prod', 'a_b', 'x'.repeat(301), 'line\nbreak', "it's"]) {
      const err = await cp
        .send(
          new DisableStageTransitionCommand({
            pipelineName: 'web-app',
            stageName: 'Deploy',
            transitionType: 'Inbound',
            reason,
          }),
        )
        .catch((e: unknown) => e);
      expect(err, reason).toBeInstanceOf(ValidationException);
    }
    await cp.send(
      new DisableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: 'Freeze (rollback-bot) by @alice until 18.00 - ok? yes!*',
      }),
    );
    const state = await cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    expect(state.stageStates?.[2]?.inboundTransitionState).toMatchObject({
      enabled: false,
      disabledReason: 'Freeze (rollback-bot) by @alice until 18.00 - ok? yes!*',
    });
    expect(state.stageStates?.[2]?.inboundTransitionState?.lastChangedAt).toBeInstanceOf(Date);
  });

  it('holds executions at a disabled transition; on enable only the latest waiting one continues', async () => {
    await cp.send(
      new DisableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: 'freeze',
      }),
    );
    const first = sandbox.control.startExecution('web-app', {
      revision: { id: '1'.repeat(40) },
    }).pipelineExecutionId;
    sandbox.control.advance(30_000);
    const second = sandbox.control.startExecution('web-app', {
      revision: { id: '2'.repeat(40) },
    }).pipelineExecutionId;
    sandbox.control.advance(10 * 60_000);
    expect(await status(first)).toBe('Superseded');
    expect(await status(second)).toBe('InProgress');
    const held = await cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    expect(held.stageStates?.[2]?.inboundExecution).toEqual({
      pipelineExecutionId: second,
      status: 'InProgress',
      type: 'STANDARD',
    });
    expect(held.stageStates?.[2]?.latestExecution?.pipelineExecutionId).toBe(BAD);

    await cp.send(
      new EnableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
      }),
    );
    sandbox.control.runUntilIdle();
    expect(await status(second)).toBe('Succeeded');
    expect(await status(first)).toBe('Superseded');
  });
});

describe('native automatic rollback', () => {
  it('rolls a stage with onFailure ROLLBACK back itself, with trigger AutomatedRollback', async () => {
    const failed = sandbox.control.startExecution('api', {
      region: 'eu-west-1',
      revision: { id: '9'.repeat(40), message: 'breaks' },
      outcome: { failStage: 'Deploy' },
    }).pipelineExecutionId;
    sandbox.control.runUntilIdle();
    const list = await cpEu.send(new ListPipelineExecutionsCommand({ pipelineName: 'api' }));
    const [rollback, failedSummary] = list.pipelineExecutionSummaries ?? [];
    expect(failedSummary).toMatchObject({
      pipelineExecutionId: failed,
      status: 'Failed',
      executionType: 'STANDARD',
    });
    expect(rollback).toMatchObject({
      status: 'Succeeded',
      executionType: 'ROLLBACK',
      trigger: { triggerType: 'AutomatedRollback' },
      rollbackMetadata: { rollbackTargetPipelineExecutionId: OLD_OK },
      sourceRevisions: [expect.objectContaining({ revisionId: 'e'.repeat(40) })],
    });
    // The pipeline event sequence for the failed execution, in order.
    const pipelineEvents = sandbox.control
      .events()
      .filter((e) => e['detail-type'] === 'CodePipeline Pipeline Execution State Change')
      .map((e) => [e.detail['execution-id'] === failed ? 'failed' : 'rollback', e.detail.state]);
    expect(pipelineEvents).toEqual([
      ['failed', 'STARTED'],
      ['failed', 'FAILED'],
      ['rollback', 'STARTED'],
      ['rollback', 'SUCCEEDED'],
    ]);
  });
});

describe('listing, paging and filters', () => {
  it('pages ListPipelineExecutions and filters by succeededInStage', async () => {
    const page1 = await cp.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 2 }),
    );
    expect(page1.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([
      BAD,
      GOOD,
    ]);
    expect(page1.nextToken).toBeTruthy();
    const page2 = await cp.send(
      new ListPipelineExecutionsCommand({
        pipelineName: 'web-app',
        maxResults: 2,
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([
      PAST_ROLLBACK,
      OLD_OK,
    ]);
    const page3 = await cp.send(
      new ListPipelineExecutionsCommand({
        pipelineName: 'web-app',
        maxResults: 2,
        nextToken: page2.nextToken,
      }),
    );
    expect(page3.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([
      OLD_VERSION,
    ]);
    expect(page3.nextToken).toBeUndefined();

    const deployed = await cp.send(
      new ListPipelineExecutionsCommand({
        pipelineName: 'web-app',
        filter: { succeededInStage: { stageName: 'Deploy' } },
      }),
    );
    expect(deployed.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([
      GOOD,
      PAST_ROLLBACK,
      OLD_OK,
      OLD_VERSION,
    ]);
    expect(deployed.pipelineExecutionSummaries?.[1]).toMatchObject({
      executionType: 'ROLLBACK',
      rollbackMetadata: { rollbackTargetPipelineExecutionId: OLD_OK },
    });

    const bad = await cp
      .send(new ListPipelineExecutionsCommand({ pipelineName: 'web-app', nextToken: 'garbage' }))
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidNextTokenException);
    const tooMany = await cp
      .send(new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 101 }))
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(ValidationException);
  });

  it('keys pipelines by the region in the request signature', async () => {
    const us = await cp.send(new ListPipelinesCommand({}));
    const eu = await cpEu.send(new ListPipelinesCommand({}));
    expect(us.pipelines?.map((p) => p.name)).toEqual(['web-app']);
    expect(eu.pipelines?.map((p) => p.name)).toEqual(['api']);
    const got = await cp.send(new GetPipelineCommand({ name: 'web-app' }));
    expect(got.pipeline).toMatchObject({ version: 7, pipelineType: 'V2' });
    expect(got.pipeline?.stages?.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
    expect(got.metadata?.pipelineArn).toBe('arn:aws:codepipeline:us-east-1:111122223333:web-app');
  });

  it('lists action executions of one execution', async () => {
    const out = await cp.send(
      new ListActionExecutionsCommand({
        pipelineName: 'web-app',
        filter: { pipelineExecutionId: BAD },
      }),
    );
    const deploy = out.actionExecutionDetails?.filter((d) => d.stageName === 'Deploy');
    expect(deploy?.map((d) => [d.actionName, d.status])).toEqual([
      ['DeployToFleet', 'Failed'],
      ['SmokeTest', 'Failed'],
    ]);
  });
});

describe('StopPipelineExecution', () => {
  it('stops after the running action (or at once with abandon), and refuses finished ones', async () => {
    const id = sandbox.control.startExecution('web-app', {
      revision: { id: '7'.repeat(40) },
    }).pipelineExecutionId;
    sandbox.control.advance(130_000);
    await cp.send(
      new StopPipelineExecutionCommand({
        pipelineName: 'web-app',
        pipelineExecutionId: id,
        reason: 'bad',
      }),
    );
    expect(await status(id)).toBe('Stopping');
    sandbox.control.runUntilIdle();
    expect(await status(id)).toBe('Stopped');
    const again = await cp
      .send(
        new StopPipelineExecutionCommand({
          pipelineName: 'web-app',
          pipelineExecutionId: id,
          abandon: true,
        }),
      )
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(PipelineExecutionNotStoppableException);

    const abandoned = sandbox.control.startExecution('web-app', {
      revision: { id: '8'.repeat(40) },
    }).pipelineExecutionId;
    sandbox.control.advance(10_000);
    await cp.send(
      new StopPipelineExecutionCommand({
        pipelineName: 'web-app',
        pipelineExecutionId: abandoned,
        abandon: true,
      }),
    );
    expect(await status(abandoned)).toBe('Stopped');
  });
});
