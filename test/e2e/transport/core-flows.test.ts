// The core flows over both ways Slack reaches the bot: signed POSTs to /slack/events and Socket
// Mode envelopes (the bot dials the local Slack with SLACK_APP_TOKEN). Same harness, same test
// client, same assertions: a command → review → roll back to the final status, a manager's
// approval, an automatic rollback on a failed deploy, and a freeze enforced in AWS.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, runUntil, startHarness } from '../../support/harness.js';
import { reactionsWorld, SHA } from '../../support/reactions-world.js';
import { guardConfig, MANAGER, ONCALL, PROD, RELEASE, WORLD } from '../guardrails/guard-harness.js';

const sandboxConfig = readFileSync(
  new URL('../../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const autoConfig = `
environments:
  prod:
    channel: ${PROD}
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    alarms: [web-5xx]
    bake: 10m
    autoRollback: on-failure
    autoRollbackGrace: 300ms
`;
const realtime = { mode: 'realtime' as const, stageDurationMs: 30 };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const rollbackStages = () => h!.aws.control.calls({ operation: 'RollbackStage' });

describe.each(['http', 'socket'] as const)('over %s', (transport) => {
  it('command → review → roll back: one RollbackStage, the final status posted', async () => {
    h = await startHarness({ config: sandboxConfig, world: WORLD, time: realtime, transport });
    expect(h.slack.socketMode.connectionCount()).toBe(transport === 'socket' ? 1 : 0);
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    expect(cmd.status).toBe(200);
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    expect(review.visible_to).toBe(ONCALL);
    const click = await h.slack.client.click(review, 'rollback.confirm', { user: ONCALL });
    expect(click.status).toBe(200);
    const done = await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(done.text).toMatch(/^Rolled back: prod-us web-app \/ Deploy/);
    expect(rollbackStages()).toHaveLength(1);
    if (transport === 'socket') {
      // Every command and click went as an envelope, each acked in time.
      const sent = h.slack.socketMode.deliveries();
      expect(sent.map((d) => [d.type, d.retryAttempt, d.outcome])).toEqual([
        ['slash_commands', 0, 'acked'],
        ['interactive', 0, 'acked'],
      ]);
    }
  });

  it('a manager approves in the thread, and it rolls back', async () => {
    const config = guardConfig({ approval: 'when: [always]' });
    h = await startHarness({ config, world: WORLD, time: realtime, transport });
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await h.slack.client.click(review, 'rollback.confirm', { user: ONCALL });
    const approval = await h.slack.client.waitForMessage(PROD, 'Approval needed', {
      timeoutMs: 10_000,
    });
    expect(rollbackStages()).toHaveLength(0);
    await h.slack.client.click(approval, 'Approve', { user: MANAGER });
    await h.slack.client.waitForEphemeral(MANAGER, /Approved \(1 of 1\)/);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(rollbackStages()).toHaveLength(1);
  });

  it('rolls back on its own when a deploy fails, once', async () => {
    h = await startHarness({ config: autoConfig, world: reactionsWorld(), transport });
    h.aws.control.startExecution('web-app', {
      revision: { id: SHA.bad, message: 'Break checkout', author: 'dev' },
      outcome: { failStage: 'Deploy' },
    });
    h.aws.control.runUntilIdle();
    await h.slack.client.waitForMessage(PROD, 'Rolling back in', { timeoutMs: 15_000 });
    // The status ends in the truth, and AWS was asked once.
    await runUntil(h.aws, 'the rollback to finish', () =>
      h!.slack.client.messages(PROD).some((m) => m.text.startsWith('Rolled back')),
    );
    expect(rollbackStages()).toHaveLength(1);
  });

  it('a freeze disables the inbound transition, and the status says so', async () => {
    h = await startHarness({ config: guardConfig({}), world: WORLD, time: realtime, transport });
    const cmd = await h.slack.client.command('/rollback', 'freeze prod-us 4h Holiday freeze', {
      user: RELEASE,
      channel: PROD,
    });
    const answer = await cmd.waitForResponse(/Froze|freeze/, { timeoutMs: 10_000 });
    expect(answer.text).toMatch(/Froze prod-us until/);
    await h.slack.client.waitForMessage(PROD, 'Forward deploys into prod-us are blocked');
    const disables = () => h!.aws.control.calls({ operation: 'DisableStageTransition' });
    await expect.poll(() => disables().length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(disables().map((c) => (c.input as { stageName: string }).stageName)).toEqual(['Deploy']);
    const st = await h.slack.client.command('/rollback', 'status prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const status = await st.waitForResponse(/Frozen until/, { timeoutMs: 10_000 });
    expect(status.text).toMatch(/Forward deploys blocked: freeze/);
  });
});
