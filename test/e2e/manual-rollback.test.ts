// A person rolls back from Slack: command → confirmation → click → live status → succeeded,
// through the local Slack over HTTP, real Redis, the local AWS endpoint and the real SDK clients.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

const config = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const ONCALL = 'U0ONCALL';
const PROD = 'C0DEPLOYPROD';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config, world, time: { mode: 'realtime', stageDurationMs: 30 } });
});
afterEach(async () => {
  await h.stop();
});

describe('manual rollback from Slack', () => {
  it('confirms, rolls back once, and updates the live status to the end', async () => {
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    expect(cmd.status).toBe(200);
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    expect(confirmation.visible_to).toBe(ONCALL);
    // Library versions from the builds' DEPENDENCIES output variable (see README).
    expect(JSON.stringify(confirmation.blocks)).toContain('*Libraries*');
    expect(JSON.stringify(confirmation.blocks)).toMatch(/`express` `4\.21\.0` → `4\.19\.2`/);

    await h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    const done = await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(done.text).toMatch(/^Rolled back: prod-us web-app \/ Deploy/);
    const calls = h.aws.control.calls({ operation: 'RollbackStage' });
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(done.blocks)).toContain(
      String((calls[0]!.input as { pipelineName: string }).pipelineName),
    );
  });

  it('refuses the outsider, in any channel, saying who may', async () => {
    // The sandbox restricts prod-us requests to on-call (S0ONCALL); U0RELEASE is an admin.
    for (const channel of ['C0GENERAL', PROD]) {
      const cmd = await h.slack.client.command('/rollback', 'prod-us', {
        user: 'U0OUTSIDER',
        channel,
      });
      const answer = await cmd.waitForResponse(/can be rolled back only by/);
      expect(answer.visible_to).toBe('U0OUTSIDER');
      expect(answer.text).toContain('<!subteam^S0ONCALL> or an admin (<@U0RELEASE>)');
    }
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
  });

  it('suggests the environment for a typo, with help', async () => {
    const cmd = await h.slack.client.command('/rollback', 'prdo-us', {
      user: ONCALL,
      channel: PROD,
    });
    const answer = await cmd.waitForResponse(/did you mean prod-us\?/);
    expect(JSON.stringify(answer.blocks)).toContain('How to use /rollback');
    expect(JSON.stringify(answer.blocks)).toContain('Groups: prod (prod-us, prod-eu)');
  });

  it('Cancel spends the confirmation, also on one posted before its id was renamed', async () => {
    // rollback.cancel_draft is what the Cancel button carried before "draft" became "offer";
    // confirmations already posted in a workspace still carry it.
    for (const [user, cancelId] of [
      [ONCALL, 'rollback.cancel_offer'],
      ['U0ONCALL2', 'rollback.cancel_draft'],
    ] as const) {
      const cmd = await h.slack.client.command('/rollback', 'prod-us', { user, channel: PROD });
      const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
      const keptCopy = structuredClone(confirmation);
      const cancel = confirmation.blocks
        ?.flatMap(
          (b) => ((b as { elements?: unknown[] }).elements ?? []) as { action_id?: string }[],
        )
        .find((e) => e.action_id === 'rollback.cancel_offer');
      expect(cancel).toBeDefined();
      cancel!.action_id = cancelId;
      await h.slack.client.click(confirmation, cancelId, { user });
      await h.slack.client.waitForEphemeral(user, 'Rollback not started.');
      // The offer is closed: its Roll back button, clicked from a copy, starts nothing.
      await h.slack.client.click(keptCopy, 'rollback.confirm', { user });
      await h.slack.client.waitForEphemeral(user, /nothing was rolled back from it/);
    }
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
  });

  it('a double click starts one rollback', async () => {
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    const [a, b] = await Promise.all([
      h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL }),
      h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  });
});
