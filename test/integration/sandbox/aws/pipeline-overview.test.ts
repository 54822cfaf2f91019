// GET /_sandbox/pipelines (control.pipelines()): what the workspace page's "Local AWS" panel
// shows. A release waiting before a stage whose inbound transition is disabled is listed as held
// there, with the transition's reason; once the transition is enabled it moves on.
import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
} from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { BAD, sandboxWithClients } from './support.js';

const t = sandboxWithClients();

const REASON = 'rollback-bot freeze until 18.00 by U0RELEASE (test)';

async function overview() {
  const response = await fetch(`${t.sandbox.url}/_sandbox/pipelines`);
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
    const index = (await (await fetch(`${t.sandbox.url}/_sandbox/`)).json()) as {
      routes: string[];
    };
    expect(index.routes).toContain('GET /_sandbox/pipelines');
  });

  it('shows a release held at a disabled transition, with the reason, until it is enabled', async () => {
    await t.cp.send(
      new DisableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: REASON,
      }),
    );
    const held = t.sandbox.control.startExecution('web-app', {
      revision: { id: '7'.repeat(40), message: 'Speed up checkout' },
    }).pipelineExecutionId;
    t.sandbox.control.runUntilIdle();
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
    expect(t.sandbox.control.pipelines()).toEqual(await overview());

    await t.cp.send(
      new EnableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
      }),
    );
    t.sandbox.control.runUntilIdle();
    expect(await deployStage()).toMatchObject({
      transition: { enabled: true },
      current: { pipelineExecutionId: held, status: 'Succeeded' },
      waiting: [],
    });
  });

  it('tells a release waiting for a busy stage from one held by a transition', async () => {
    const first = t.sandbox.control.startExecution('web-app', { revision: { id: '1'.repeat(40) } });
    const second = t.sandbox.control.startExecution('web-app', {
      revision: { id: '2'.repeat(40) },
    });
    // One execution per stage (SUPERSEDED): the second waits while the first is in Source.
    t.sandbox.control.advance(1_000);
    const source = (await overview())[0]?.stages.find((s) => s.name === 'Source');
    expect(source).toMatchObject({
      transition: { enabled: true },
      current: { pipelineExecutionId: first.pipelineExecutionId, status: 'InProgress' },
      waiting: [{ pipelineExecutionId: second.pipelineExecutionId, heldBy: 'stage-busy' }],
    });
  });
});
