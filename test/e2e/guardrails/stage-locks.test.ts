// Stage locks end to end (issue "Safe across a whole incident", items 7 and 10): the post-rollback
// lock is one cause among the bot's own, so a freeze ending does not lift it and nothing says
// "open" while it holds; a release that arrives at the locked stage is announced once, with an
// Unlock that lets it go on; someone else's disable is never lifted; and a freeze's answer is
// true when it is given (AWS already has the block), or says it is being applied.
import { GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/sandbox/slack/state.js';
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

const LOCK =
  /^rollback-bot block \(lock after rollback [0-9A-Z]+ by U0ONCALL - rollback unlock prod-us Deploy lifts it\)/;
const ok = (g: GuardHarness, operation: string) =>
  g.aws.control.calls({ operation }).filter((c) => c.status === 200 && !c.error);
const textOf = (m: Message) => m.text ?? '';

async function command(g: GuardHarness, line: string, match: RegExp, user = RELEASE) {
  const cmd = await g.slack.client.command('/rollback', line, { user, channel: PROD });
  return cmd.waitForResponse(match, { timeoutMs: 15_000 });
}

/** `/rollback prod-us`, confirmed; resolves once the bot has locked the stage. */
async function rollBackWithLock(g: GuardHarness) {
  const cmd = await g.slack.client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
  const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
  await g.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
  await g.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
}

async function lockedReason(g: GuardHarness): Promise<string> {
  return waitFor(async () => {
    const t = await g.inbound('Deploy');
    return !t.enabled && LOCK.test(t.disabledReason ?? '') ? t.disabledReason : undefined;
  }, 'the post-rollback lock in AWS');
}

const lockConfig = () => guardConfig({ deploy: '{ lockAfterRollback: true }' });

describe('the post-rollback lock is a cause the bot holds', () => {
  it('outlives a freeze and its end; only unlock lifts it, and only then is it open', async () => {
    h = await startGuardHarness({ config: lockConfig() });
    await rollBackWithLock(h);
    await lockedReason(h);
    const blocked = await h.slack.client.waitForMessage(
      PROD,
      (m) => /are blocked/.test(textOf(m)) && /post-rollback lock/.test(textOf(m)),
    );
    expect(JSON.stringify(blocked.blocks)).toContain('/rollback unlock prod-us Deploy');

    const froze = await command(h, 'freeze prod-us 4h Holiday freeze', /Froze|Freezing/);
    expect(froze.text).toMatch(/^:snowflake: Froze prod-us until/);
    const both = (await h.inbound('Deploy')).disabledReason ?? '';
    expect(both).toMatch(LOCK);
    expect(both).toMatch(/\(freeze by U0RELEASE until .* - Holiday freeze\)$/);

    const unfroze = await command(h, 'unfreeze prod-us', /Unfroze|no freeze/);
    expect(unfroze.text).toMatch(/stay blocked/);
    expect(unfroze.text).toMatch(/post-rollback lock/);
    expect(unfroze.text).not.toMatch(/are open/);
    // Still locked in AWS, with the freeze gone from the reason.
    const after = await h.inbound('Deploy');
    expect(after.enabled).toBe(false);
    expect(after.disabledReason).toMatch(LOCK);
    expect(after.disabledReason).not.toMatch(/freeze/);

    const status = await command(h, 'status prod-us', /inbound:/, ONCALL);
    expect(status.text).toMatch(/\*Deploy\* inbound: disabled by rollback-bot/);
    expect(status.text).toMatch(/:lock: Locked after a rollback by <@U[A-Z0-9]+>/);
    expect(status.text).toMatch(/\n {6}Unlock: `\/rollback unlock prod-us Deploy`/);
    expect(status.text).toMatch(/Forward deploys blocked: post-rollback lock/);
    expect(status.text).not.toMatch(/forward deploys open/i);
    // Passes go on; none of them lifts the lock or says open.
    const seen = ok(h, 'GetPipelineState').length;
    await waitFor(() => ok(h!, 'GetPipelineState').length >= seen + 4 || undefined, 'more passes');
    expect(ok(h, 'EnableStageTransition')).toHaveLength(0);
    expect(h.slack.client.messages(PROD).some((m) => /open again/.test(textOf(m)))).toBe(false);

    const unlocked = await command(h, 'unlock prod-us Deploy', /unlock|lock/i, ONCALL);
    expect(unlocked.text).toMatch(/Lifted the post-rollback lock on prod-us \/ Deploy/);
    expect(unlocked.text).toMatch(/is enabled: the next release may roll forward/);
    expect(await h.inbound('Deploy')).toEqual({ enabled: true });
    await h.slack.client.waitForMessage(PROD, 'Forward deploys into prod-us are open again');
    expect(ok(h, 'EnableStageTransition')).toHaveLength(1);
    expect((await h.audit()).find((e) => e.event === 'unlocked')).toMatchObject({
      by: `user:${ONCALL}`,
      stillHeldBy: 'nothing',
    });
  });

  it('unlock during a freeze lifts the lock but leaves the transition disabled, saying why', async () => {
    h = await startGuardHarness({ config: lockConfig() });
    await rollBackWithLock(h);
    await lockedReason(h);
    await command(h, 'freeze prod-us 4h Holiday freeze', /Froze/);
    const unlocked = await command(h, 'unlock prod-us Deploy', /unlock|lock/i, ONCALL);
    expect(unlocked.text).toMatch(/Lifted the post-rollback lock/);
    expect(unlocked.text).toMatch(/stays disabled; still holding it/);
    expect(unlocked.text).toMatch(/freeze until .* `Holiday freeze`/);
    const t = await h.inbound('Deploy');
    expect(t.enabled).toBe(false);
    expect(t.disabledReason).toMatch(/^rollback-bot block \(freeze by U0RELEASE/);
    expect(ok(h, 'EnableStageTransition')).toHaveLength(0);
  });

  it('a release arriving at the locked stage is announced once, and Unlock lets it go on', async () => {
    h = await startGuardHarness({ config: lockConfig() });
    await rollBackWithLock(h);
    await lockedReason(h);
    const sha = 'c0ffee5ab1e0000000000000000000000000beef';
    const { pipelineExecutionId: release } = h.aws.control.startExecution('web-app', {
      revision: { id: sha, message: 'Add gift cards <@U0ALL> *bold*\nsecond line' },
    });
    const waiting = await h.slack.client.waitForMessage(PROD, /is waiting at/, {
      timeoutMs: 15_000,
    });
    expect(waiting.text).toMatch(
      /Release c0ffee5 is waiting at web-app \/ Deploy \(prod-us\): held by post-rollback lock/,
    );
    const blocks = JSON.stringify(waiting.blocks);
    // The commit's first line, inert: in code, mentions escaped; the rest of the message not shown.
    expect(blocks).toContain('`Add gift cards &lt;@U0ALL&gt; *bold*`');
    expect(blocks).not.toContain('second line');
    expect(blocks).toContain('guard.unlock');
    // Said once, however many passes see it waiting.
    const seen = ok(h, 'GetPipelineState').length;
    await waitFor(() => ok(h!, 'GetPipelineState').length >= seen + 4 || undefined, 'more passes');
    expect(
      h.slack.client.messages(PROD).filter((m) => /is waiting at/.test(textOf(m))),
    ).toHaveLength(1);

    await h.slack.client.click(waiting, 'Unlock', { user: ONCALL });
    const told = await h.slack.client.waitForEphemeral(ONCALL, /post-rollback lock/);
    expect(told.text).toMatch(/Lifted the post-rollback lock on prod-us \/ Deploy/);
    await h.slack.client.waitForMessage(
      PROD,
      (m) =>
        m.ts === waiting.ts &&
        /lifted the post-rollback lock/.test(textOf(m)) &&
        /goes on/.test(textOf(m)),
    );
    await waitFor(async () => {
      const out = await h!.codepipeline.send(
        new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId: release }),
      );
      return out.pipelineExecution?.status === 'Succeeded' || undefined;
    }, 'the release to go through Deploy');
    const updated = h.slack.client.messages(PROD).find((m) => m.ts === waiting.ts)!;
    expect(JSON.stringify(updated.blocks)).not.toContain('guard.unlock');
  });

  it('someone else’s disable is never lifted, by unlock or anything else, and never called open', async () => {
    h = await startGuardHarness({ config: lockConfig() });
    await h.disableAsSomeoneElse('Deploy', 'SRE hold for database maintenance');
    await rollBackWithLock(h);
    // The lock is recorded behind their disable; their reason stays as they wrote it.
    await waitFor(
      async () => (await h!.audit()).some((e) => e.event === 'locked') || undefined,
      'the lock recorded',
    );
    const unlocked = await command(h, 'unlock prod-us Deploy', /unlock|lock/i, ONCALL);
    expect(unlocked.text).toMatch(/Lifted the post-rollback lock/);
    expect(unlocked.text).toMatch(
      /disabled by someone else in AWS: `SRE hold for database maintenance`; the bot leaves it alone/,
    );
    const status = await command(h, 'status prod-us', /inbound:/, ONCALL);
    expect(status.text).toMatch(
      /\*Deploy\* inbound: disabled by someone else\n {6}`SRE hold for database maintenance`/,
    );
    expect(status.text).not.toMatch(/forward deploys open/i);
    expect(ok(h, 'EnableStageTransition')).toHaveLength(0);
    expect(ok(h, 'DisableStageTransition')).toHaveLength(1); // the test's own
    expect(await h.inbound('Deploy')).toEqual({
      enabled: false,
      disabledReason: 'SRE hold for database maintenance',
    });
    expect(h.slack.client.messages(PROD).some((m) => /open again/.test(textOf(m)))).toBe(false);
  });
});

describe('a freeze’s answer is true when it is given', () => {
  it('says "Froze" only once AWS has the block, and "Unfroze" once it is lifted, however slow AWS is', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    // Slow reads: the start-up sweep and every pass hold each environment longer.
    h.aws.control.injectFault('GetPipelineState', { latencyMs: 400 });
    let disablesAtAnswer = -1;
    const cmd = await h.slack.client.command('/rollback', 'freeze prod-us 4h Holiday freeze', {
      user: RELEASE,
      channel: PROD,
    });
    const answer = await cmd.waitForResponse(
      (m) => {
        if (!/Froze|Freezing/.test(textOf(m))) return false;
        disablesAtAnswer = ok(h!, 'DisableStageTransition').length;
        return true;
      },
      { timeoutMs: 15_000 },
    );
    // AWS had the block when the answer came.
    expect(disablesAtAnswer).toBe(1);
    expect(answer.text).toMatch(
      /^:snowflake: Froze prod-us until .* Forward deploys into web-app \/ Deploy are blocked in AWS now/,
    );

    let enablesAtAnswer = -1;
    const un = await h.slack.client.command('/rollback', 'unfreeze prod-us', {
      user: RELEASE,
      channel: PROD,
    });
    const unAnswer = await un.waitForResponse(
      (m) => {
        if (!/Unfroze/.test(textOf(m))) return false;
        enablesAtAnswer = ok(h!, 'EnableStageTransition').length;
        return true;
      },
      { timeoutMs: 15_000 },
    );
    expect(enablesAtAnswer).toBe(1);
    expect(unAnswer.text).toMatch(/Forward deploys into web-app \/ Deploy are open/);
  });

  it('when AWS does not take it at once, says it is being applied, then follows up when it holds', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    h.aws.control.injectFault('DisableStageTransition', { throttle: 2 });
    const cmd = await h.slack.client.command('/rollback', 'freeze prod-us 4h Holiday freeze', {
      user: RELEASE,
      channel: PROD,
    });
    let disablesAtFirst = -1;
    const first = await cmd.waitForResponse(
      (m) => {
        if (!/Froze|Freezing/.test(textOf(m))) return false;
        disablesAtFirst = ok(h!, 'DisableStageTransition').length;
        return true;
      },
      { timeoutMs: 15_000 },
    );
    expect(first.text).toMatch(
      /^:snowflake: Freezing prod-us until .*being applied in AWS \(prod-us: /,
    );
    expect(disablesAtFirst).toBe(0);
    let disablesAtFollowUp = -1;
    const followUp = await cmd.waitForResponse(
      (m) => {
        if (!/in force in AWS now|has not taken/.test(textOf(m))) return false;
        disablesAtFollowUp = ok(h!, 'DisableStageTransition').length;
        return true;
      },
      { timeoutMs: 20_000 },
    );
    expect(followUp.text).toMatch(/The freeze of prod-us is in force in AWS now/);
    expect(disablesAtFollowUp).toBe(1);
    expect((await h.inbound('Deploy')).enabled).toBe(false);
  });
});
