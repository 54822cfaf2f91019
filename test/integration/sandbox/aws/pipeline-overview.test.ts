// GET /_sandbox/pipelines (control.pipelines()): what the workspace page's "Local AWS" panel
// shows. A release waiting before a stage whose inbound transition is disabled is listed as held
// there, with the transition's reason; once the transition is enabled it moves on.
import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSandbox, startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { BAD, clients, testWorld } from './support.js';

let sandbox: AwsSandbox;
let cp: ReturnType<typeof clients>['codepipeline'];

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld() });
  cp = clients(sandbox.url).codepipeline;
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
});

const REASON = 'rollback-bot freeze until 18.00 by U0RELEASE (test)';

async function overview() {
  const response = await fetch(`${sandbox.url}/_sandbox/pipelines`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    pipelines: Array<{ name: string; region: string; stages: Array<Record<string, unknown>> }>;
  };
  return body.pipelines;
}

const deployStage = async () =>
  (await overview()).find((p) => p.name === 'web-app')?.stages.find((s) => s.name === 'Deploy');

describe('GET /_sandbox/pipelines', () => {
  it('lists every pipeline in every region, by stage, with the release in each', async () => {
    const pipelines = await overview();
    expect(pipelines.map((p) => [p.name, p.region])).toEqual([
      ['web-app', 'us-east-1'],
      ['api', 'eu-west-1'],
    ]);
    expect(await deployStage()).toEqual({
      name: 'Deploy',
      transition: { enabled: true },
      current: {
        pipelineExecutionId: BAD,
        revisionId: 'd'.repeat(40),
        revisionMessage: 'bad release',
        executionType: 'STANDARD',
        status: 'Failed',
      },
      waiting: [],
    });
    const index = (await (await fetch(`${sandbox.url}/_sandbox/`)).json()) as { routes: string[] };
    expect(index.routes).toContain('GET /_sandbox/pipelines');
  });

  it('shows a release held at a disabled transition, with the reason, until it is enabled', async () => {
    await cp.send(
      new DisableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: REASON,
      }),
    );
    const held = sandbox.control.startExecution('web-app', {
      revision: { id: '7'.repeat(40), message: 'Speed up checkout' },
    }).pipelineExecutionId;
    sandbox.control.runUntilIdle();
    expect(await deployStage()).toMatchObject({
      transition: { enabled: false, disabledReason: REASON, lastChangedAt: expect.any(String) },
      current: { pipelineExecutionId: BAD },
      waiting: [
        {
          pipelineExecutionId: held,
          revisionId: '7'.repeat(40),
          revisionMessage: 'Speed up checkout',
          status: 'InProgress',
          heldBy: 'transition',
        },
      ],
    });
    expect(sandbox.control.pipelines()).toEqual(await overview());

    await cp.send(
      new EnableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
      }),
    );
    sandbox.control.runUntilIdle();
    expect(await deployStage()).toMatchObject({
      transition: { enabled: true },
      current: { pipelineExecutionId: held, status: 'Succeeded' },
      waiting: [],
    });
  });

  it('tells a release waiting for a busy stage from one held by a transition', async () => {
    const first = sandbox.control.startExecution('web-app', { revision: { id: '1'.repeat(40) } });
    const second = sandbox.control.startExecution('web-app', { revision: { id: '2'.repeat(40) } });
    // One execution per stage (SUPERSEDED): the second waits while the first is in Source.
    sandbox.control.advance(1_000);
    const source = (await overview())[0]?.stages.find((s) => s.name === 'Source');
    expect(source).toMatchObject({
      transition: { enabled: true },
      current: { pipelineExecutionId: first.pipelineExecutionId, status: 'InProgress' },
      waiting: [{ pipelineExecutionId: second.pipelineExecutionId, heldBy: 'stage-busy' }],
    });
  });
});
