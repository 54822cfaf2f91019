// A rollback the policy allows meets the bot's own lock on its stage (here a freeze, with
// rollbacksDuringFreeze: allow). AWS does not document whether a disabled inbound transition holds
// a RollbackStage execution, so the local endpoint plays each answer (its switch
// setRollbacksAtDisabledTransition): `pass` (the rollback runs the stage anyway), `hold` (it waits
// at the transition), `refuse` (RollbackStage is refused). Whichever it is, the rollback happens;
// where the lock stood in its way the bot lifts its own lock for it and puts it back, audited; it
// never lifts someone else's disable.
import { describe, expect, it } from 'vitest';
import type { RollbacksAtDisabledTransition } from '../../../src/sandbox/aws/index.js';
import {
  type GuardHarness,
  guardConfig,
  ONCALL,
  PROD,
  RELEASE,
  startGuardHarness,
  stopHarnessesAfterEach,
  waitFor,
} from './guard-harness.js';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

const FROZEN = /^rollback-bot block \(freeze by U0RELEASE until .* - Holiday freeze\)$/;
const calls = (g: GuardHarness, operation: string) => g.aws.control.calls({ operation });
const ok = (g: GuardHarness, operation: string) =>
  calls(g, operation).filter((c) => c.status === 200 && !c.error);

/** prod-us frozen by the bot (its own lock on Deploy), the sandbox answering as `mode` says. */
async function frozen(mode: RollbacksAtDisabledTransition): Promise<GuardHarness> {
  const g = await startGuardHarness({
    config: guardConfig({ windows: 'rollbacksDuringFreeze: allow' }),
  });
  g.aws.control.setRollbacksAtDisabledTransition(mode);
  const cmd = await g.slack.client.command('/rollback', 'freeze prod-us 4h Holiday freeze', {
    user: RELEASE,
    channel: PROD,
  });
  await cmd.waitForResponse(/Froze/, { timeoutMs: 10_000 });
  expect((await g.inbound('Deploy')).disabledReason).toMatch(FROZEN);
  return g;
}

async function rollBack(g: GuardHarness): Promise<void> {
  const cmd = await g.slack.client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
  const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
  await g.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
}

const lockEvents = async (g: GuardHarness) =>
  (await g.audit()).filter((e) => e.event === 'lock-lifted' || e.event === 'lock-restored');

describe('a rollback meets the bot\u2019s own lock', () => {
  it('pass (the local default): nothing is lifted; the freeze stays in AWS throughout', async () => {
    h = await frozen('pass');
    await rollBack(h);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(ok(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'EnableStageTransition')).toHaveLength(0);
    expect(await lockEvents(h)).toEqual([]);
    expect((await h.inbound('Deploy')).disabledReason).toMatch(FROZEN);
  });

  it('hold: the waiting rollback gets the lock lifted, enters, and the lock is put back', async () => {
    h = await frozen('hold');
    await rollBack(h);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(ok(h, 'RollbackStage')).toHaveLength(1);
    expect(ok(h, 'EnableStageTransition')).toHaveLength(1);
    const [lifted, restored] = await lockEvents(h);
    expect(lifted).toMatchObject({ event: 'lock-lifted', stage: 'Deploy' });
    expect(lifted?.reason).toMatch(FROZEN);
    expect(lifted?.why).toMatch(/waits at the inbound transition/);
    expect(restored).toMatchObject({ event: 'lock-restored', why: 'the rollback is in the stage' });
    expect(restored?.reason).toMatch(FROZEN);
    // Put back by the rollback job itself, before the rollback ended, with the same reason.
    const all = h.aws.control.calls({ service: 'codepipeline' });
    const enabledAt = all.findIndex((c) => c.operation === 'EnableStageTransition');
    const next = all.slice(enabledAt + 1).find((c) => c.operation.endsWith('StageTransition'));
    expect(next).toMatchObject({ operation: 'DisableStageTransition', status: 200 });
    expect(next?.input.reason).toMatch(FROZEN);
    expect(await h.inbound('Deploy')).toMatchObject({ enabled: false });
    expect((await h.inbound('Deploy')).disabledReason).toMatch(FROZEN);
  });

  it('refuse: the refused RollbackStage is tried once more with the lock lifted, then it is put back', async () => {
    h = await frozen('refuse');
    await rollBack(h);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    const tried = calls(h, 'RollbackStage');
    expect(tried.map((c) => c.error ?? 'accepted')).toEqual([
      'UnableToRollbackStageException',
      'accepted',
    ]);
    const [lifted, restored] = await lockEvents(h);
    expect(lifted?.why).toMatch(/RollbackStage was refused \(UnableToRollbackStageException\)/);
    expect(restored).toMatchObject({ event: 'lock-restored', why: 'the rollback is in the stage' });
    expect((await h.inbound('Deploy')).disabledReason).toMatch(FROZEN);
  });

  it('refuse, behind someone else\u2019s disable: never lifted; the request fails saying why', async () => {
    h = await frozen('refuse');
    await h.stopBot();
    await h.disableAsSomeoneElse('Deploy', 'DB migration running - do not deploy');
    await h.startBot();
    await rollBack(h);
    const failed = await waitFor(
      async () => (await h!.audit()).find((e) => e.event === 'failed'),
      'the request to fail',
      20_000,
    );
    expect(failed.summary).toMatch(/inbound transition is disabled/);
    expect(calls(h, 'RollbackStage').map((c) => c.error)).toEqual([
      'UnableToRollbackStageException',
    ]);
    expect(calls(h, 'EnableStageTransition')).toHaveLength(0);
    expect(await lockEvents(h)).toEqual([]);
    expect(await h.inbound('Deploy')).toEqual({
      enabled: false,
      disabledReason: 'DB migration running - do not deploy',
    });
  });
});
