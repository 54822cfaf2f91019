// Group rollbacks end to end through the local Slack, real Redis and the local AWS endpoint:
// `/rollback prod` rolls prod-us (CodePipeline) then prod-eu (CodeDeploy) back under one
// confirmation and at most one approval, follows onMemberFailure, and reports per member.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/sandbox/slack/state.js';
import {
  type GuardHarness,
  MANAGER,
  ONCALL,
  OUTSIDER,
  PROD,
  RELEASE,
  startGuardHarness,
  stopHarnessesAfterEach,
  waitFor,
} from '../guardrails/guard-harness.js';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

function groupConfig(opts: {
  onMemberFailure?: 'halt' | 'continue';
  prodUsApproval?: string;
  prodEuWindows?: string;
}): string {
  return `
defaults:
  timezone: Europe/Berlin
  region: us-east-1
  approvers: [S0APPROVERS]
  approval:
    expiresAfter: 30m
    allowSelfApproval: false
  feed: off
access:
  admins: [U0RELEASE]
  freezers: [S0APPROVERS, U0RELEASE]
environments:
  prod-us:
    channel: C0DEPLOYPROD
    pipeline: web-app
    stages:
      Deploy: {}
${opts.prodUsApproval ? `    approval:\n      ${opts.prodUsApproval}` : ''}
  prod-eu:
    channel: C0DEPLOYPROD
    region: eu-west-1
    codedeploy:
      application: billing-api
      deploymentGroup: prod-eu
${opts.prodEuWindows ? `    windows:\n      ${opts.prodEuWindows}` : ''}
groups:
  prod:
    members: [prod-us, prod-eu]
    onMemberFailure: ${opts.onMemberFailure ?? 'halt'}
`;
}

const calls = (g: GuardHarness, operation: string) => g.aws.control.calls({ operation });

/** `/rollback prod`, the confirmation, and the click on "Roll back all 2". */
async function confirmGroup(g: GuardHarness): Promise<Message> {
  const cmd = await g.slack.client.command('/rollback', 'prod because checkout errors', {
    user: ONCALL,
    channel: PROD,
  });
  const confirmation = await cmd.waitForResponse('Review the rollback of group prod', {
    timeoutMs: 10_000,
  });
  const shown = JSON.stringify(confirmation.blocks);
  expect(shown).toContain('prod-us');
  expect(shown).toContain('prod-eu');
  expect(shown).toContain('Roll back all 2');
  await g.slack.client.click(confirmation, 'group.confirm', { user: ONCALL });
  return confirmation;
}

/** Deploys a prod-eu release marked [rollback-unsafe] and waits until it succeeded. */
async function deployUnsafeToProdEu(g: GuardHarness): Promise<string> {
  const { deploymentId } = g.aws.control.startDeployment('billing-api', 'prod-eu', {
    region: 'eu-west-1',
    revision: { s3: { bucket: 'acme-billing-artifacts', key: 'billing-api/3.16.0.zip' } },
    description: 'billing-api 3.16.0 [rollback-unsafe] migration 0042',
  });
  await waitFor(
    () =>
      g.aws.control
        .events()
        .some(
          (e) =>
            e['detail-type'] === 'CodeDeploy Deployment State-change Notification' &&
            (e.detail as Record<string, unknown>).deploymentId === deploymentId &&
            (e.detail as Record<string, unknown>).state === 'SUCCESS',
        ) || undefined,
    'the unsafe prod-eu deployment to succeed',
  );
  return deploymentId;
}

const finished = (g: GuardHarness) =>
  g.slack.client.waitForMessage(PROD, /^Group rollback finished: prod/, { timeoutMs: 30_000 });

describe('group rollbacks', () => {
  it('rolls every member back under one approval, once each', async () => {
    h = await startGuardHarness({
      config: groupConfig({ prodUsApproval: 'when: [group-rollback]' }),
    });
    const review = await confirmGroup(h);
    // The review promised what the click did: one approval for the group, and why.
    expect(JSON.stringify(review.blocks)).toContain('Needs approval');
    expect(JSON.stringify(review.blocks)).toContain('group');
    const approval = await h.slack.client.waitForMessage(PROD, /^Approval needed: group/, {
      timeoutMs: 10_000,
    });
    expect(approval.thread_ts).toBeDefined();
    expect(JSON.stringify(approval.blocks)).toContain('group-rollback');
    expect(calls(h, 'RollbackStage')).toHaveLength(0);
    // The requester never approves their own group rollback.
    await h.slack.client.click(approval, 'Approve', { user: ONCALL });
    await h.slack.client.waitForEphemeral(ONCALL, /you cannot approve it/);
    await h.slack.client.click(approval, 'Approve', { user: MANAGER });
    await h.slack.client.waitForEphemeral(MANAGER, /Approved \(1 of 1\)/);
    const done = await finished(h);
    expect(done.text).toContain('2 rolled back, 0 failed, 0 not started');
    const lines = JSON.stringify(done.blocks);
    expect(lines).toMatch(/rolled back · \*prod-us\* \(request `[0-9A-Z]{26}`\)/);
    expect(lines).toMatch(/rolled back · \*prod-eu\* \(request `[0-9A-Z]{26}`\)/);
    expect(calls(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'CreateDeployment')).toHaveLength(1);
    // One approval for the group: no member request waited for an approval of its own.
    const audit = await h.audit();
    expect(audit.filter((e) => e.event === 'requested')).toHaveLength(2);
    expect(audit.filter((e) => e.event === 'awaiting_approval')).toHaveLength(0);
    const thread = h.slack.client.thread(PROD, approval.thread_ts!).slice(1);
    expect(thread.filter((m) => /group rollback of prod/i.test(m.text ?? ''))).toHaveLength(1);
    expect(JSON.stringify(thread)).not.toContain('rollback.approve');
    expect(audit.filter((e) => e.event === 'group-approved')).toHaveLength(1);
    expect(audit.filter((e) => e.event === 'group-member-succeeded')).toHaveLength(2);
    expect(audit.some((e) => e.event === 'group-finished')).toBe(true);
  });

  it('halt: a failing member stops the rest, which are reported not started', async () => {
    h = await startGuardHarness({ config: groupConfig({ onMemberFailure: 'halt' }) });
    h.aws.control.setRollbackOutcome('web-app', { failStage: 'Deploy' });
    await confirmGroup(h);
    const done = await finished(h);
    expect(done.text).toContain('0 rolled back, 1 failed, 1 not started');
    const lines = JSON.stringify(done.blocks);
    expect(lines).toMatch(/failed · \*prod-us\* \(request `[0-9A-Z]{26}`\)/);
    expect(lines).toContain('not started · *prod-eu*');
    expect(calls(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'CreateDeployment')).toHaveLength(0);
  });

  it('continue: a failing member does not stop the next one', async () => {
    h = await startGuardHarness({ config: groupConfig({ onMemberFailure: 'continue' }) });
    h.aws.control.setRollbackOutcome('web-app', { failStage: 'Deploy' });
    await confirmGroup(h);
    const done = await finished(h);
    expect(done.text).toContain('1 rolled back, 1 failed, 0 not started');
    const lines = JSON.stringify(done.blocks);
    expect(lines).toMatch(/failed · \*prod-us\*/);
    expect(lines).toMatch(/rolled back · \*prod-eu\* \(request `[0-9A-Z]{26}`\)/);
    expect(calls(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'CreateDeployment')).toHaveLength(1);
  });

  it('refuses an outsider up front, and audits it', async () => {
    h = await startGuardHarness({ config: groupConfig({}) });
    const cmd = await h.slack.client.command('/rollback', 'prod', {
      user: OUTSIDER,
      channel: 'C0GENERAL',
    });
    const answer = await cmd.waitForResponse(/can be rolled back only from its channel/);
    expect(answer.visible_to).toBe(OUTSIDER);
    expect(JSON.stringify(answer.blocks)).not.toContain('group.confirm');
    expect(
      (await h.audit()).some((e) => e.event === 'rollback-refused' && e.by === `user:${OUTSIDER}`),
    ).toBe(true);
    expect(calls(h, 'RollbackStage')).toHaveLength(0);
  });

  it('refuses the whole group up front when a member cannot be rolled back', async () => {
    // `both` guards two stages, so `/rollback both` needs a stage: the group cannot go.
    const config = groupConfig({})
      .replace('      Deploy: {}', '      Deploy-Staging: {}\n      Deploy: {}')
      .replace('  prod-us:', '  both:')
      .replace('members: [prod-us, prod-eu]', 'members: [prod-eu, both]');
    h = await startGuardHarness({ config });
    const cmd = await h.slack.client.command('/rollback', 'prod', { user: ONCALL, channel: PROD });
    const answer = await cmd.waitForResponse(/Can't roll back group prod/, { timeoutMs: 10_000 });
    expect(answer.text).toMatch(/both\*: both guards several stages/);
    expect(JSON.stringify(answer.blocks)).not.toContain('group.confirm');
    expect((await h.audit()).some((e) => e.event === 'group-rollback-refused')).toBe(true);
    expect(calls(h, 'CreateDeployment')).toHaveLength(0);
  });

  it('a double click starts one group', async () => {
    h = await startGuardHarness({ config: groupConfig({}) });
    const cmd = await h.slack.client.command('/rollback', 'prod', { user: ONCALL, channel: PROD });
    const confirmation = await cmd.waitForResponse('Review the rollback of group prod', {
      timeoutMs: 10_000,
    });
    const again = structuredClone(confirmation);
    await Promise.all([
      h.slack.client.click(confirmation, 'group.confirm', { user: ONCALL }),
      h.slack.client.click(again, 'group.confirm', { user: ONCALL }),
    ]);
    await finished(h);
    expect(calls(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'CreateDeployment')).toHaveLength(1);
    const groupMessages = h.slack.client
      .messages(PROD)
      .filter((m) => /^Group rollback/.test(m.text ?? ''));
    expect(groupMessages).toHaveLength(1);
    expect((await h.audit()).filter((e) => e.event === 'group-confirmed')).toHaveLength(1);
  });

  it('an approved group is still blocked for a member frozen with deny since', async () => {
    h = await startGuardHarness({
      config: groupConfig({
        prodUsApproval: 'when: [group-rollback]',
        prodEuWindows: 'rollbacksDuringFreeze: deny',
      }),
    });
    await confirmGroup(h);
    const approval = await h.slack.client.waitForMessage(PROD, /^Approval needed: group/, {
      timeoutMs: 10_000,
    });
    const frozen = await h.slack.client.command('/rollback', 'freeze prod-eu 4h Audit', {
      user: RELEASE,
      channel: PROD,
    });
    await frozen.waitForResponse(/Froze/, { timeoutMs: 10_000 });
    await h.slack.client.click(approval, 'Approve', { user: MANAGER });
    const done = await finished(h);
    expect(done.text).toContain('1 rolled back, 1 failed, 0 not started');
    expect(JSON.stringify(done.blocks)).toMatch(/failed · \*prod-eu\*.*blocked/);
    expect(calls(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'CreateDeployment')).toHaveLength(0);
  });

  it('a CodeDeploy member crossing an unsafe release: the review asks approval, and so does the click', async () => {
    h = await startGuardHarness({ config: groupConfig({}) });
    const unsafe = await deployUnsafeToProdEu(h);
    const review = await confirmGroup(h);
    // The review's promise: one approval for the group, because of prod-eu's unsafe release.
    const promised = JSON.stringify(review.blocks);
    expect(promised).toContain('Needs approval');
    expect(promised).not.toContain('No approval needed');
    expect(promised).toContain('prod-eu: it crosses releases marked unsafe to roll back');
    expect(promised).toContain(unsafe);
    // The click kept it: the group waits for its one approval, and nothing has started.
    await h.slack.client.waitForEphemeral(ONCALL, /needs one approval for all 2 environments/, {
      timeoutMs: 10_000,
    });
    const approval = await h.slack.client.waitForMessage(PROD, /^Approval needed: group/, {
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(approval.blocks)).toContain('crosses-unsafe-release');
    expect(calls(h, 'RollbackStage')).toHaveLength(0);
    expect(calls(h, 'CreateDeployment')).toHaveLength(0);
    await h.slack.client.click(approval, 'Approve', { user: MANAGER });
    const done = await finished(h);
    expect(done.text).toContain('2 rolled back, 0 failed, 0 not started');
    // The group's approval covered prod-eu: its own request never asked for another.
    const audit = await h.audit();
    expect(audit.filter((e) => e.event === 'requested')).toHaveLength(2);
    expect(audit.filter((e) => e.event === 'awaiting_approval')).toHaveLength(0);
    expect(calls(h, 'RollbackStage')).toHaveLength(1);
    expect(calls(h, 'CreateDeployment')).toHaveLength(1);
  });

  it('a rejected group says who rejected it, as a mention, in the group message and the post', async () => {
    h = await startGuardHarness({
      config: groupConfig({ prodUsApproval: 'when: [group-rollback]' }),
    });
    await confirmGroup(h);
    const approval = await h.slack.client.waitForMessage(PROD, /^Approval needed: group/, {
      timeoutMs: 10_000,
    });
    await h.slack.client.click(approval, 'Reject', { user: MANAGER });
    await h.slack.client.waitForEphemeral(MANAGER, /Rejected the group rollback of prod/);
    const message = await h.slack.client.waitForMessage(PROD, /^Group rollback rejected: prod/, {
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(message.blocks)).toContain('Rejected by <@U0MANAGER>');
    expect(JSON.stringify(message.blocks)).not.toContain('&lt;@');
    const post = await h.slack.client.waitForMessage(
      PROD,
      (m) => m.ts === approval.ts && /^Group rollback of prod: rejected/.test(m.text ?? ''),
      { timeoutMs: 10_000 },
    );
    expect(JSON.stringify(post.blocks)).toContain('Rejected by <@U0MANAGER>');
    expect(JSON.stringify(post.blocks)).not.toContain('group.approve');
    expect(calls(h, 'RollbackStage')).toHaveLength(0);
    expect(calls(h, 'CreateDeployment')).toHaveLength(0);
  });
});
