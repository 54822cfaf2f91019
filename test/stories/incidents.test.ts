// Whole incidents, step by step, with the invariants of story-harness.ts checked after every step.
import { afterEach, describe, expect, it } from 'vitest';
import { PROD, type Story, startStory } from './story-harness.js';

let s: Story | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

async function step(name: string, run: () => Promise<unknown>): Promise<void> {
  await run();
  await s!.checkInvariants(name);
}

/** The commit the review or diff proposes as "After". */
function afterSha(text: string): string | undefined {
  return /\*After:\*[^\n]*?\/commit\/([0-9a-f]{40})/.exec(text)?.[1];
}

describe('stories', () => {
  it('failure → automatic rollback → a new good deploy → another failure', async () => {
    s = await startStory();
    await step('a release fails in Deploy', () => s!.deploy('fail'));
    // The automatic rollback locked the stage (lockAfterRollback): a person unlocks it.
    await step('unlock', () => s!.unlock());
    const good = await s.deploy('ok');
    await s.checkInvariants('a good release');
    await step('another release fails', () => s!.deploy('fail'));
    // The second rollback went back to the good release, not to a bad one.
    const rollbacks = s.h.aws.control.calls({ operation: 'RollbackStage' }).filter((c) => !c.error);
    expect(rollbacks).toHaveLength(2);
    expect(
      (rollbacks[1]!.input as { targetPipelineExecutionId: string }).targetPipelineExecutionId,
    ).toBe(good);
  });

  it('deploy → alarm during bake → automatic rollback → /rollback, diff and the group rollback', async () => {
    s = await startStory();
    await step('unlock after the demo', () => s!.unlock());
    const good = await s.deploy('ok');
    await s.checkInvariants('a good release');
    await step('an alarm during its bake window', () => s!.alarm());
    await step('the alarm clears', () => s!.clearAlarm());
    // The release that tripped the alarm is never proposed again.
    const cmd = await s.h.slack.client.command('/rollback', 'prod-us', {
      user: 'U0ONCALL',
      channel: PROD,
    });
    const review = await cmd.waitForResponse(/Review this rollback|Can't roll back/, {
      timeoutMs: 15_000,
    });
    const proposed = afterSha(JSON.stringify(review.blocks).replace(/\\n/g, '\n'));
    expect(proposed && s.model.releaseOf.get(proposed)).not.toBe(good);
    const group = await s.h.slack.client.command('/rollback', 'prod', {
      user: 'U0ONCALL',
      channel: PROD,
    });
    const plan = await group.waitForResponse(/Roll back|Can't roll back/, { timeoutMs: 15_000 });
    expect(JSON.stringify(plan.blocks)).not.toContain(
      [...s.model.releaseOf.entries()].find(([, id]) => id === good)?.[0]?.slice(0, 7) ?? 'never',
    );
    await s.checkInvariants('review and group plan');
  });

  it('freeze → rollback that needs approval → approve → unfreeze', async () => {
    s = await startStory();
    await step('freeze', () => s!.freeze());
    const out = await s.rollback('prod-us');
    expect(out.promised).toBe('approval');
    await s.checkInvariants('rollback approved during the freeze');
    await step('unfreeze', () => s!.unfreeze());
  });

  it('two rollbacks in a row → picker → diff', async () => {
    s = await startStory();
    await step('first rollback', () => s!.rollback('prod-us'));
    await step('second rollback', () => s!.rollback('prod-us'));
    // The picker lists releases, not the two rollback executions; the releases rolled back from
    // come after the candidates, each saying why it is bad.
    const cmd = await s.h.slack.client.command('/rollback', 'prod-us', {
      user: 'U0ONCALL',
      channel: PROD,
    });
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 15_000 });
    await s.h.slack.client.click(review, 'Choose another release…', { user: 'U0ONCALL' });
    const picker = await s.h.slack.client.waitForView(
      'U0ONCALL',
      (v) => JSON.stringify(v.blocks).includes('releases that succeeded here'),
      { timeoutMs: 15_000 },
    );
    const listed = JSON.stringify(picker.blocks);
    const entries = await s.redis.xrange(`${s.h.prefix}:audit`, '-', '+');
    const rollbackIds = entries
      .map(([, f]) => f)
      .filter((f) => f.includes('aws-called'))
      .map((f) => f[f.indexOf('awsExecutionId') + 1]!);
    expect(rollbackIds).toHaveLength(2);
    for (const id of rollbackIds) expect(listed).not.toContain(id);
    expect(listed).toContain('bad: rolled back');
    expect(listed.indexOf('last good release')).toBeLessThan(listed.indexOf('bad: rolled back'));
    // After two rollbacks, the diff compares releases: libraries never all "come back".
    const diff = await s.h.slack.client.command('/rollback', 'diff prod-us', {
      user: 'U0ONCALL',
      channel: PROD,
    });
    const shown = JSON.stringify((await diff.waitForResponse(/./, { timeoutMs: 15_000 })).blocks);
    expect(shown).not.toMatch(/express.*comes back.*pg.*comes back/);
    await s.checkInvariants('diff');
  });

  it('a person marks a release bad from the deploy feed → /rollback skips it', async () => {
    s = await startStory();
    const first = await s.deploy('ok');
    await s.deploy('ok');
    const sha = [...s.model.releaseOf.entries()].find(([, id]) => id === first)![0];
    const feed = await s.h.slack.client.waitForMessage(
      PROD,
      (m) =>
        JSON.stringify(m.blocks).includes('release.mark_bad') &&
        JSON.stringify(m.blocks).includes(sha.slice(0, 7)),
      { timeoutMs: 15_000 },
    );
    await s.h.slack.client.click(feed, 'Mark bad', { user: 'U0OUTSIDER' });
    await s.h.slack.client.waitForEphemeral('U0OUTSIDER', /can be rolled back only by/);
    await step('mark bad from the feed', async () => {
      await s!.h.slack.client.click(feed, 'Mark bad', { user: 'U0ONCALL' });
      await s!.h.slack.client.waitForEphemeral('U0ONCALL', /marked .* bad in prod-us/);
      s!.model.bad.add(first);
    });
    const cmd = await s.h.slack.client.command('/rollback', 'prod-us', {
      user: 'U0ONCALL',
      channel: PROD,
    });
    const review = await cmd.waitForResponse(/Review this rollback/, { timeoutMs: 15_000 });
    const proposed = afterSha(JSON.stringify(review.blocks).replace(/\\n/g, '\n'));
    expect(proposed).toBeDefined();
    expect(proposed).not.toBe(sha);
  });

  it('rollback with lock → a new release arrives → unlock', async () => {
    s = await startStory();
    await step('a rollback locks the stage', () => s!.rollback('prod-us'));
    expect(s.model.locked).toBe(true);
    const held = await s.deploy('ok', { held: true });
    const sha = [...s.model.releaseOf.entries()].find(([, id]) => id === held)![0];
    // Said once in the channel, with the release and an Unlock button.
    const waiting = await s.h.slack.client.waitForMessage(
      PROD,
      (m) => /is waiting at/.test(m.text ?? '') && (m.text ?? '').includes(sha.slice(0, 7)),
      { timeoutMs: 20_000 },
    );
    expect(JSON.stringify(waiting.blocks)).toContain('Unlock');
    await s.checkInvariants('a release waits at the locked stage');
    await step('unlock', () => s!.unlock());
    // The held release goes on into the stage.
    await s.h.slack.client.waitForMessage(
      PROD,
      (m) => m.ts === waiting.ts && !/is waiting at/.test(m.text ?? ''),
      {
        timeoutMs: 20_000,
      },
    );
  });

  it('a person marks a release bad → /rollback skips it', async () => {
    s = await startStory();
    const lastGood = 'c4ca4238a0b923820dcc509a6f75849b2e1f3d4a';
    await step('mark the last good release bad', () => s!.markBad(lastGood, 'breaks search'));
    const cmd = await s.h.slack.client.command('/rollback', 'prod-us', {
      user: 'U0ONCALL',
      channel: PROD,
    });
    const review = await cmd.waitForResponse(/Review this rollback/, { timeoutMs: 15_000 });
    const proposed = afterSha(JSON.stringify(review.blocks).replace(/\\n/g, '\n'));
    expect(proposed).toBeDefined();
    expect(proposed).not.toBe(lastGood);
    await s.checkInvariants('review skips the bad release');
  });
});
