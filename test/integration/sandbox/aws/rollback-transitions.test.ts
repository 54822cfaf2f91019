// The local endpoint's switch for what AWS leaves undocumented: whether a disabled inbound
// transition holds a RollbackStage execution. `pass` (default) runs the stage anyway, `hold`
// keeps it waiting like any execution, `refuse` refuses RollbackStage. Read through the SDK.
import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  RollbackStageCommand,
  UnableToRollbackStageException,
} from '@aws-sdk/client-codepipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { GOOD, sandboxWithClients } from './support.js';

const t = sandboxWithClients();
beforeEach(async () => {
  await t.cp.send(
    new DisableStageTransitionCommand({
      pipelineName: 'web-app',
      stageName: 'Deploy',
      transitionType: 'Inbound',
      reason: 'rollback-bot block (freeze)',
    }),
  );
});

const rollBack = () =>
  t.cp.send(
    new RollbackStageCommand({
      pipelineName: 'web-app',
      stageName: 'Deploy',
      targetPipelineExecutionId: GOOD,
    }),
  );
const deploy = async () =>
  (await t.cp.send(new GetPipelineStateCommand({ name: 'web-app' }))).stageStates?.find(
    (s) => s.stageName === 'Deploy',
  );
const status = async (id: string) =>
  (
    await t.cp.send(
      new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId: id }),
    )
  ).pipelineExecution?.status;

describe('a RollbackStage execution at a disabled inbound transition', () => {
  it('pass (default): runs the stage anyway', async () => {
    const { pipelineExecutionId: id } = await rollBack();
    expect((await deploy())?.latestExecution).toMatchObject({
      pipelineExecutionId: id,
      type: 'ROLLBACK',
      status: 'InProgress',
    });
    t.sandbox.control.runUntilIdle();
    expect(await status(id!)).toBe('Succeeded');
  });

  it('hold: waits at the transition like any execution, and enters once it is enabled', async () => {
    t.sandbox.control.setRollbacksAtDisabledTransition('hold');
    const { pipelineExecutionId: id } = await rollBack();
    const held = await deploy();
    expect(held?.latestExecution?.pipelineExecutionId).not.toBe(id);
    expect(held?.inboundExecutions).toEqual([
      { pipelineExecutionId: id, status: 'InProgress', type: 'ROLLBACK' },
    ]);
    t.sandbox.control.runUntilIdle();
    expect(await status(id!)).toBe('InProgress');
    const panel = t.sandbox.control.pipelines()[0]?.stages.find((s) => s.name === 'Deploy');
    expect(panel?.waiting).toEqual([
      expect.objectContaining({
        pipelineExecutionId: id,
        executionType: 'ROLLBACK',
        heldBy: 'transition',
      }),
    ]);

    await t.cp.send(
      new EnableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
      }),
    );
    expect((await deploy())?.latestExecution).toMatchObject({ pipelineExecutionId: id });
    t.sandbox.control.runUntilIdle();
    expect(await status(id!)).toBe('Succeeded');
  });

  it('refuse: RollbackStage is refused while the transition is disabled, and taken once enabled', async () => {
    t.sandbox.control.setRollbacksAtDisabledTransition('refuse');
    const err = await rollBack().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnableToRollbackStageException);
    expect((err as Error).message).toMatch(/inbound transition is disabled/);
    await t.cp.send(
      new EnableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
      }),
    );
    expect((await rollBack()).pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reset puts the switch back to pass; the HTTP control sets it too', async () => {
    const res = await fetch(`${t.sandbox.url}/_sandbox/rollback-transitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'refuse' }),
    });
    expect(res.status).toBe(200);
    expect(await rollBack().catch((e: unknown) => e)).toBeInstanceOf(
      UnableToRollbackStageException,
    );
    await t.sandbox.control.reset();
    await t.cp.send(
      new DisableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
        reason: 'again',
      }),
    );
    expect((await rollBack()).pipelineExecutionId).toBeDefined();
  });
});
