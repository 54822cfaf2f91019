import {
  ConflictException,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PipelineExecutionNotFoundException,
  PipelineExecutionOutdatedException,
  PipelineNotFoundException,
  RollbackStageCommand,
  StageNotFoundException,
  UnableToRollbackStageException,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { BAD, GOOD, OLD_OK, OLD_VERSION, PAST_ROLLBACK, sandboxWithClients } from './support.js';

const t = sandboxWithClients();

describe('RollbackStage', () => {
  it('creates a new ROLLBACK execution with the target revision and metadata', async () => {
    const out = await t.cp.send(
      new RollbackStageCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        targetPipelineExecutionId: GOOD,
      }),
    );
    expect(out.pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.pipelineExecutionId).not.toBe(GOOD);
    const { pipelineExecution: e } = await t.cp.send(
      new GetPipelineExecutionCommand({
        pipelineName: 'web-app',
        pipelineExecutionId: out.pipelineExecutionId,
      }),
    );
    expect(e?.executionType).toBe('ROLLBACK');
    expect(e?.status).toBe('InProgress');
    expect(e?.trigger?.triggerType).toBe('ManualRollback');
    expect(e?.rollbackMetadata?.rollbackTargetPipelineExecutionId).toBe(GOOD);
    expect(e?.artifactRevisions?.[0]?.revisionId).toBe('c'.repeat(40));
    expect(e?.variables).toEqual([{ name: 'RELEASE', resolvedValue: 'good' }]);

    t.sandbox.control.runUntilIdle();
    const after = await t.cp.send(
      new GetPipelineExecutionCommand({
        pipelineName: 'web-app',
        pipelineExecutionId: out.pipelineExecutionId,
      }),
    );
    expect(after.pipelineExecution?.status).toBe('Succeeded');
    expect(
      t.sandbox.control.calls({ service: 'codepipeline', operation: 'RollbackStage' }),
    ).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        status: 200,
        input: { pipelineName: 'web-app', stageName: 'Deploy', targetPipelineExecutionId: GOOD },
      }),
    ]);
  });

  it('ends Failed when the scenario says so', async () => {
    t.sandbox.control.setRollbackOutcome('web-app', { failStage: 'Deploy' });
    const { pipelineExecutionId } = await t.cp.send(
      new RollbackStageCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        targetPipelineExecutionId: GOOD,
      }),
    );
    t.sandbox.control.runUntilIdle();
    const { pipelineExecution } = await t.cp.send(
      new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId }),
    );
    expect(pipelineExecution?.status).toBe('Failed');
  });

  const refusals: Array<
    [
      string,
      { pipelineName: string; stageName: string; targetPipelineExecutionId: string },
      new (...a: never[]) => Error,
    ]
  > = [
    [
      'unknown pipeline',
      { pipelineName: 'nope', stageName: 'Deploy', targetPipelineExecutionId: GOOD },
      PipelineNotFoundException,
    ],
    [
      'unknown stage',
      { pipelineName: 'web-app', stageName: 'Nope', targetPipelineExecutionId: GOOD },
      StageNotFoundException,
    ],
    [
      'unknown execution',
      {
        pipelineName: 'web-app',
        stageName: 'Deploy',
        targetPipelineExecutionId: '99999999-9999-4999-8999-999999999999',
      },
      PipelineExecutionNotFoundException,
    ],
    [
      'Source stage',
      { pipelineName: 'web-app', stageName: 'Source', targetPipelineExecutionId: GOOD },
      UnableToRollbackStageException,
    ],
    [
      'target failed in the stage',
      { pipelineName: 'web-app', stageName: 'Deploy', targetPipelineExecutionId: BAD },
      UnableToRollbackStageException,
    ],
    [
      'target is a rollback',
      { pipelineName: 'web-app', stageName: 'Deploy', targetPipelineExecutionId: PAST_ROLLBACK },
      UnableToRollbackStageException,
    ],
    [
      'target from an older pipeline version',
      { pipelineName: 'web-app', stageName: 'Deploy', targetPipelineExecutionId: OLD_VERSION },
      PipelineExecutionOutdatedException,
    ],
    [
      'malformed execution id',
      { pipelineName: 'web-app', stageName: 'Deploy', targetPipelineExecutionId: 'not-a-uuid' },
      ValidationException,
    ],
    [
      'malformed stage name',
      { pipelineName: 'web-app', stageName: 'Deploy/x', targetPipelineExecutionId: GOOD },
      ValidationException,
    ],
  ];
  for (const [name, input, type] of refusals) {
    it(`refuses: ${name}`, async () => {
      const err = await t.cp.send(new RollbackStageCommand(input)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect((err as Error).message).not.toBe('');
    });
  }

  it('refuses while the stage is running, and with ConflictException while a rollback runs', async () => {
    t.sandbox.control.startExecution('web-app', {
      revision: { id: 'f'.repeat(40), message: 'new' },
    });
    t.sandbox.control.advance(120_000); // Source + Build done, Deploy starts
    const running = await t.cp
      .send(
        new RollbackStageCommand({
          pipelineName: 'web-app',
          stageName: 'Deploy',
          targetPipelineExecutionId: GOOD,
        }),
      )
      .catch((e: unknown) => e);
    expect(running).toBeInstanceOf(UnableToRollbackStageException);
    expect((running as Error).message).toMatch(/running/);
    t.sandbox.control.runUntilIdle();

    await t.cp.send(
      new RollbackStageCommand({
        pipelineName: 'web-app',
        stageName: 'Build',
        targetPipelineExecutionId: GOOD,
      }),
    );
    const busy = await t.cp
      .send(
        new RollbackStageCommand({
          pipelineName: 'web-app',
          stageName: 'Deploy',
          targetPipelineExecutionId: OLD_OK,
        }),
      )
      .catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ConflictException);
  });
});

describe('executions and state', () => {
  it('moves a new execution through the stages in simulated time', async () => {
    const { pipelineExecutionId } = t.sandbox.control.startExecution('web-app', {
      revision: {
        id: 'f'.repeat(40),
        message: 'feat: new thing',
        url: 'https://github.com/acme/web-app/commit/fff',
      },
    });
    t.sandbox.control.advance(60_000);
    let state = await t.cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    expect(state.stageStates?.map((s) => [s.stageName, s.latestExecution?.status])).toEqual([
      ['Source', 'Succeeded'],
      ['Build', 'InProgress'],
      ['Deploy', 'Failed'],
    ]);
    expect(state.stageStates?.[1]?.latestExecution).toEqual({
      pipelineExecutionId,
      status: 'InProgress',
      type: 'STANDARD',
    });
    t.sandbox.control.advance(120_000);
    state = await t.cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    expect(state.stageStates?.[2]?.latestExecution?.status).toBe('Succeeded');
    const list = await t.cp.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'web-app', maxResults: 1 }),
    );
    expect(list.pipelineExecutionSummaries?.[0]).toMatchObject({
      pipelineExecutionId,
      status: 'Succeeded',
      executionType: 'STANDARD',
      sourceRevisions: [
        {
          actionName: 'Source',
          revisionId: 'f'.repeat(40),
          revisionSummary: JSON.stringify({
            ProviderType: 'GitHub',
            CommitMessage: 'feat: new thing',
          }),
          revisionUrl: 'https://github.com/acme/web-app/commit/fff',
        },
      ],
    });
    expect(list.pipelineExecutionSummaries?.[0]?.startTime).toEqual(
      new Date('2026-11-20T15:00:00Z'),
    );
  });
});
