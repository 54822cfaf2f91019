// Freezes, blocking alarms and the deploy block as AWS sees it, end to end: freeze on and off
// drive Disable/EnableStageTransition once each, a restart during a freeze reconciles, a
// transition someone else disabled is left alone, a blocking alarm blocks and unblocks, and a
// rollback during a freeze follows rollbacksDuringFreeze.
import { describe, expect, it } from 'vitest';
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

const disables = (g: GuardHarness) =>
  g.aws.control
    .calls({ operation: 'DisableStageTransition' })
    .filter((c) => c.status === 200 || !c.error);
const enables = (g: GuardHarness) =>
  g.aws.control
    .calls({ operation: 'EnableStageTransition' })
    .filter((c) => c.status === 200 || !c.error);

async function freeze(g: GuardHarness, text = 'prod-us 4h Holiday freeze', user = RELEASE) {
  const cmd = await g.slack.client.command('/rollback', `freeze ${text}`, { user, channel: PROD });
  return cmd.waitForResponse(/Froze|Only freezers|freeze/, { timeoutMs: 10_000 });
}

async function unfreeze(g: GuardHarness, target = 'prod-us') {
  const cmd = await g.slack.client.command('/rollback', `unfreeze ${target}`, {
    user: RELEASE,
    channel: PROD,
  });
  return cmd.waitForResponse(/Unfroze|no freeze/, { timeoutMs: 10_000 });
}

/** Environment checks made by reconcile passes so far (AWS read or skipped, or only `outcome`). */
async function checks(g: GuardHarness, outcome?: string): Promise<number> {
  const m = await g.bot.metrics.guardrailsChecks.get();
  return m.values
    .filter((v) => outcome === undefined || v.labels.outcome === outcome)
    .reduce((n, v) => n + v.value, 0);
}

/** Two more reconcile passes finished (each checks both environments, staging and prod-us). */
async function anotherPass(g: GuardHarness) {
  const seen = await checks(g);
  await waitFor(
    async () => (await checks(g)) >= seen + 4 || undefined,
    'two more reconcile passes',
  );
}

describe('freezes enforced in AWS', () => {
  it('freeze and unfreeze disable and re-enable the inbound transition exactly once each', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    const answer = await freeze(h);
    expect(answer.text).toMatch(/Froze prod-us until/);
    await h.slack.client.waitForMessage(PROD, 'Forward deploys into prod-us are blocked');
    await anotherPass(h);
    expect(disables(h)).toHaveLength(1);
    const input = disables(h)[0]!.input as {
      stageName: string;
      reason: string;
      transitionType: string;
    };
    expect(input.stageName).toBe('Deploy');
    expect(input.transitionType).toBe('Inbound');
    expect(input.reason).toMatch(
      /^rollback-bot block \(freeze by U0RELEASE until .* - Holiday freeze\)$/,
    );
    expect(await h.inbound('Deploy')).toMatchObject({ enabled: false });
    expect(await h.inbound('Deploy-Staging')).toMatchObject({ enabled: true });

    // /rollback status shows it.
    const st = await h.slack.client.command('/rollback', 'status prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const status = await st.waitForResponse(/Frozen until/, { timeoutMs: 10_000 });
    expect(status.text).toMatch(/\*Deploy\* inbound: disabled by rollback-bot/);
    expect(status.text).toMatch(/Forward deploys blocked: freeze/);

    await unfreeze(h);
    await h.slack.client.waitForMessage(PROD, 'Forward deploys into prod-us are open again');
    await anotherPass(h);
    expect(enables(h)).toHaveLength(1);
    expect(disables(h)).toHaveLength(1);
    expect(await h.inbound('Deploy')).toMatchObject({ enabled: true });
    // Nothing blocked and nothing of ours disabled: a periodic pass skips reading AWS for both
    // environments. Waited for rather than counted over the next two passes: under load the
    // freeze's and the unfreeze's own passes (full sweeps, which read) can lose the reconcile
    // lock, come late, and be those two passes (seen once in a full run).
    const skippedBefore = await checks(h, 'skipped');
    await waitFor(
      async () => (await checks(h!, 'skipped')) - skippedBefore >= 2 || undefined,
      'a periodic pass that skips both environments',
    );
    expect(enables(h)).toHaveLength(1);
    expect(disables(h)).toHaveLength(1);
    const audit = await h.audit();
    expect(audit.filter((e) => e.event === 'freeze')).toHaveLength(1);
    expect(audit.filter((e) => e.event === 'unfreeze')).toHaveLength(1);
    // Announced once each.
    expect(
      h.slack.client.messages(PROD).filter((m) => /are blocked/.test(m.text ?? '')),
    ).toHaveLength(1);
    expect(
      h.slack.client.messages(PROD).filter((m) => /open again/.test(m.text ?? '')),
    ).toHaveLength(1);
  });

  it('only freezers may freeze; the refusal is audited', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    const answer = await freeze(h, 'prod-us 4h Holiday freeze', ONCALL);
    expect(answer.text).toMatch(/Only freezers may freeze/);
    expect(
      (await h.audit()).some((e) => e.event === 'freeze-refused' && e.by === `user:${ONCALL}`),
    ).toBe(true);
    await anotherPass(h);
    expect(disables(h)).toHaveLength(0);
  });

  it('a restart during a freeze reconciles what drifted while the bot was down', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    await freeze(h);
    await waitFor(() => disables(h!).length === 1 || undefined, 'the block');
    await h.stopBot();
    // While the bot is down, someone re-enables the transition.
    await h.codepipeline.send(
      new (await import('@aws-sdk/client-codepipeline')).EnableStageTransitionCommand({
        pipelineName: 'web-app',
        stageName: 'Deploy',
        transitionType: 'Inbound',
      }),
    );
    expect(await h.inbound('Deploy')).toMatchObject({ enabled: true });
    await h.startBot();
    await waitFor(
      () => disables(h!).length === 2 || undefined,
      'the block restored after the restart',
    );
    expect(await h.inbound('Deploy')).toMatchObject({ enabled: false });
    await anotherPass(h);
    expect(disables(h)).toHaveLength(2);
    // Same block, so no second announcement.
    expect(
      h.slack.client.messages(PROD).filter((m) => /are blocked/.test(m.text ?? '')),
    ).toHaveLength(1);
    await unfreeze(h);
    await waitFor(
      async () => (await h!.inbound('Deploy')).enabled || undefined,
      'the block lifted',
    );
  });

  it('leaves a transition someone else disabled alone, and never calls it open', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    await h.disableAsSomeoneElse('Deploy', 'SRE hold for database maintenance');
    await freeze(h);
    await h.slack.client.waitForMessage(
      PROD,
      (m) => /are blocked/.test(m.text ?? '') && /freeze/.test(m.text ?? ''),
    );
    await anotherPass(h);
    const answer = await unfreeze(h);
    // The freeze is over; someone else's disable still holds, and the answer says so.
    expect(answer.text).toMatch(/stay blocked/);
    expect(answer.text).toMatch(
      /disabled by someone else in AWS: `SRE hold for database maintenance`/,
    );
    expect(answer.text).not.toMatch(/are open/);
    const after = await h.slack.client.waitForMessage(
      PROD,
      (m) => /are blocked/.test(m.text ?? '') && !/freeze/.test(m.text ?? ''),
    );
    expect(after.text).toMatch(/disabled by someone else/);
    await anotherPass(h);
    const st = await h.slack.client.command('/rollback', 'status prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const status = await st.waitForResponse(/inbound:/, { timeoutMs: 10_000 });
    expect(status.text).toMatch(
      /\*Deploy\* inbound: disabled by someone else\n {6}`SRE hold for database maintenance`/,
    );
    expect(status.text).toMatch(/Forward deploys blocked: disabled by someone else/);
    expect(status.text).not.toMatch(/forward deploys open/i);
    expect(h.slack.client.messages(PROD).some((m) => /open again/.test(m.text ?? ''))).toBe(false);
    // Only the test's own call; the bot neither rewrote nor lifted it.
    expect(disables(h)).toHaveLength(1);
    expect(enables(h)).toHaveLength(0);
    expect(await h.inbound('Deploy')).toEqual({
      enabled: false,
      disabledReason: 'SRE hold for database maintenance',
    });
  });

  it('a blocking alarm blocks forward deploys, and its return to OK lifts the block', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    h.aws.control.setAlarmState('web-prod-5xx', 'ALARM', '5xx above threshold');
    const blocked = await h.slack.client.waitForMessage(
      PROD,
      'Forward deploys into prod-us are blocked',
    );
    expect(JSON.stringify(blocked.blocks)).toContain('prod-sev1');
    expect((disables(h)[0]!.input as { reason: string }).reason).toBe(
      'rollback-bot block (alarm prod-sev1)',
    );
    h.aws.control.setAlarmState('web-prod-5xx', 'OK', 'recovered');
    await h.slack.client.waitForMessage(PROD, 'open again');
    expect(disables(h)).toHaveLength(1);
    expect(enables(h)).toHaveLength(1);
  });
});

describe('rollbacks during a freeze', () => {
  async function rollbackDuringFreeze(policy: string) {
    const g = await startGuardHarness({
      config: guardConfig({ windows: `rollbacksDuringFreeze: ${policy}` }),
    });
    h = g;
    await freeze(g);
    await g.slack.client.waitForMessage(PROD, 'are blocked');
    const cmd = await g.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    // A blocked rollback's review has no button to click (it says why instead).
    if (JSON.stringify(confirmation.blocks).includes('rollback.confirm'))
      await g.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    return Object.assign(g, { confirmation });
  }

  it('allow: the rollback goes through the disabled transition', async () => {
    const g = await rollbackDuringFreeze('allow');
    await g.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(g.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  });

  it('require-approval: it waits for an approver, under during-freeze', async () => {
    const g = await rollbackDuringFreeze('require-approval');
    const approval = await g.slack.client.waitForMessage(PROD, 'Approval needed', {
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(approval.blocks)).toContain('during-freeze');
    expect(JSON.stringify(approval.blocks)).toContain('Holiday freeze');
    expect(g.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
  });

  it('deny: it is blocked and says who can lift the freeze', async () => {
    // The review says it is blocked, why and who can lift it, before anyone clicks; it offers no
    // Roll back button (it used to, and the click then answered "blocked").
    const g = await rollbackDuringFreeze('deny');
    const told = JSON.stringify(g.confirmation.blocks);
    expect(told).toContain('Blocked');
    expect(told).toMatch(/denies rollbacks during a freeze/);
    expect(told).toMatch(/unfreeze/);
    expect(told).toContain('U0RELEASE');
    expect(told).not.toContain('rollback.confirm');
    expect(g.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
  });
});
