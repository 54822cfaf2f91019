// Approvals in the thread, end to end through the local Slack, real Redis and the local AWS
// endpoint: approve, reject with a reason, self-approval and outsiders refused, a double click
// counted once, expiry, a two-approver rule, and the unsafe-release warning.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/sandbox/slack/state.js';
import {
  deployUnsafeRelease,
  type GuardHarness,
  guardConfig,
  MANAGER,
  ONCALL,
  OUTSIDER,
  PROD,
  RELEASE,
  startGuardHarness,
  stopHarnessesAfterEach,
} from './guard-harness.js';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

const always = (extra = '') => guardConfig({ approval: `when: [always]\n${extra}` });

/** /rollback prod-us, confirm, and wait for the approval request in the thread. */
async function askForRollback(g: GuardHarness, opts: { to?: string; because?: string } = {}) {
  const text = `prod-us${opts.to ? ` to ${opts.to}` : ''}${opts.because ? ` because ${opts.because}` : ''}`;
  const cmd = await g.slack.client.command('/rollback', text, { user: ONCALL, channel: PROD });
  const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
  await g.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
  return g.slack.client.waitForMessage(PROD, 'Approval needed', { timeoutMs: 10_000 });
}

const rollbackCalls = (g: GuardHarness) => g.aws.control.calls({ operation: 'RollbackStage' });

describe('approvals in the thread', () => {
  it('posts the request under the status message, and an approver approves it', async () => {
    h = await startGuardHarness({ config: always() });
    const approval = await askForRollback(h, { because: 'checkout errors' });
    // Threaded under the live status message, which says it is awaiting approval.
    expect(approval.thread_ts).toBeDefined();
    const parent = h.slack.client.messages(PROD).find((m) => m.ts === approval.thread_ts);
    expect(parent?.text).toMatch(/Awaiting approval/);
    const shown = JSON.stringify(approval.blocks);
    expect(shown).toContain('<@U0ONCALL>'); // who asked
    expect(shown).toContain('checkout errors'); // why
    expect(shown).toContain('always'); // which rule
    expect(shown).toContain('web-prod-5xx'); // live alarm state
    expect(shown).toMatch(/Expires/);
    expect(shown).toContain('<!subteam^S0APPROVERS>');

    await h.slack.client.click(approval, 'Approve', { user: MANAGER });
    await h.slack.client.waitForEphemeral(MANAGER, /Approved \(1 of 1\)/);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(rollbackCalls(h)).toHaveLength(1);
    const updated = await h.slack.client.waitForMessage(
      PROD,
      (m) => m.ts === approval.ts && /Approved by <@U0MANAGER>/.test(JSON.stringify(m.blocks)),
    );
    expect(JSON.stringify(updated.blocks)).not.toContain('rollback.approve');
    // The card ends in the truth: who approved, and that it rolled back (the worker moved it).
    await h.slack.client.waitForMessage(
      PROD,
      (m) =>
        m.ts === approval.ts &&
        JSON.stringify(m.blocks).includes('Approved by <@U0MANAGER>; rolled back.'),
      { timeoutMs: 10_000 },
    );
    const audit = await h.audit();
    expect(audit.some((e) => e.event === 'approval-recorded' && e.by === `user:${MANAGER}`)).toBe(
      true,
    );
    expect(audit.some((e) => e.event === 'approval-granted')).toBe(true);
  });

  it('rejects with a reason from the modal; nothing is rolled back', async () => {
    h = await startGuardHarness({ config: always() });
    const approval = await askForRollback(h);
    // The post as a second tab still shows it, buttons and all.
    const stale = structuredClone(approval);
    await h.slack.client.click(approval, 'Reject', { user: MANAGER });
    const view = await h.slack.client.waitForView(MANAGER, (v) =>
      JSON.stringify(v.blocks).includes('prod-us'),
    );
    await h.slack.client.submitView(
      view,
      { reject_reason: 'not during the sale' },
      { user: MANAGER },
    );
    const rejected = await h.slack.client.waitForMessage(
      PROD,
      (m) => m.ts === approval.ts && JSON.stringify(m.blocks).includes('not during the sale'),
    );
    expect(JSON.stringify(rejected.blocks)).toContain('Rejected by <@U0MANAGER>');
    await h.slack.client.waitForMessage(PROD, (m) => /^Rejected/.test(m.text ?? ''));
    expect(rollbackCalls(h)).toHaveLength(0);
    // A late Approve changes nothing.
    await h.slack.client.click(stale, 'Approve', { user: RELEASE });
    await h.slack.client.waitForEphemeral(RELEASE, /already rejected/);
    expect(rollbackCalls(h)).toHaveLength(0);
    expect(
      (await h.audit()).some(
        (e) => e.event === 'approval-rejected' && e.detail === 'not during the sale',
      ),
    ).toBe(true);
  });

  it('refuses the requester and an outsider, and audits both', async () => {
    h = await startGuardHarness({ config: always() });
    const approval = await askForRollback(h);
    await h.slack.client.click(approval, 'Approve', { user: ONCALL });
    await h.slack.client.waitForEphemeral(ONCALL, /you cannot approve it/);
    await h.slack.client.click(approval, 'Approve', { user: OUTSIDER });
    await h.slack.client.waitForEphemeral(OUTSIDER, /not an approver/);
    await h.slack.client.click(approval, 'Reject', { user: OUTSIDER });
    await h.slack.client.waitForEphemeral(OUTSIDER, /not an approver/);
    const refusals = (await h.audit()).filter((e) => e.event === 'approval-refused');
    expect(refusals.map((e) => `${e.by} ${e.detail}`)).toEqual(
      expect.arrayContaining([`user:${ONCALL} self-approval`, `user:${OUTSIDER} not-an-approver`]),
    );
    expect((await h.slack.client.waitForMessage(PROD, (m) => m.ts === approval.ts)).text).toMatch(
      /Approval needed/,
    );
    expect(rollbackCalls(h)).toHaveLength(0);
  });

  it('a double click counts once; a two-approver rule waits for the second approver', async () => {
    h = await startGuardHarness({ config: always('required: 2') });
    const approval = await askForRollback(h);
    expect(JSON.stringify(approval.blocks)).toContain('2 approvals');
    await Promise.all([
      h.slack.client.click(approval, 'Approve', { user: MANAGER }),
      h.slack.client.click(approval, 'Approve', { user: MANAGER }),
    ]);
    await h.slack.client.waitForEphemeral(MANAGER, /Approval recorded \(1 of 2\)/);
    await h.slack.client.waitForEphemeral(MANAGER, /already approved this request \(1 of 2\)/);
    await h.slack.client.waitForMessage(
      PROD,
      (m) => m.ts === approval.ts && JSON.stringify(m.blocks).includes('(1 of 2)'),
    );
    expect(rollbackCalls(h)).toHaveLength(0);
    await h.slack.client.click(approval, 'Approve', { user: RELEASE });
    await h.slack.client.waitForEphemeral(RELEASE, /Approved \(2 of 2\)/);
    // The live status message (its fallback text "Rolled back: prod-us …"), not the approval
    // card, which also ends saying "Rolled back".
    const done = await h.slack.client.waitForMessage(
      PROD,
      (m) => /^Rolled back: prod-us\b/.test(m.text ?? ''),
      { timeoutMs: 20_000 },
    );
    expect(rollbackCalls(h)).toHaveLength(1);
    // The live status's approval step names both approvers.
    expect(JSON.stringify(done.blocks)).toContain(`Approved by <@${MANAGER}>, <@${RELEASE}> · `);
  });

  it('a double click by the only approver needed queues one rollback', async () => {
    h = await startGuardHarness({ config: always() });
    const approval = await askForRollback(h);
    await Promise.all([
      h.slack.client.click(approval, 'Approve', { user: MANAGER }),
      h.slack.client.click(approval, 'Approve', { user: MANAGER }),
    ]);
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(rollbackCalls(h)).toHaveLength(1);
    expect((await h.audit()).filter((e) => e.event === 'approval-granted')).toHaveLength(1);
  });

  it('expires on time; a later approval is refused', async () => {
    h = await startGuardHarness({ config: always('expiresAfter: 2s') });
    const approval = await askForRollback(h);
    const stale = structuredClone(approval);
    const expired = await h.slack.client.waitForMessage(
      PROD,
      (m: Message) => m.ts === approval.ts && /Expired/.test(m.text ?? ''),
      { timeoutMs: 10_000 },
    );
    expect(JSON.stringify(expired.blocks)).not.toContain('rollback.approve');
    await h.slack.client.click(stale, 'Approve', { user: MANAGER });
    await h.slack.client.waitForEphemeral(MANAGER, /expired/);
    expect(rollbackCalls(h)).toHaveLength(0);
  });

  it('a rollback that crosses a release marked unsafe warns and needs approval', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    const g = h;
    await deployUnsafeRelease(g);
    const approval = await askForRollback(g);
    const shown = JSON.stringify(approval.blocks);
    expect(shown).toContain('unsafe to roll back');
    expect(shown).toContain('schema migration 0042');
    expect(shown).toContain('crosses-unsafe-release');
    expect(rollbackCalls(g)).toHaveLength(0);
  });

  it('a target older than the previous release needs approval under older-than-previous', async () => {
    h = await startGuardHarness({
      config: guardConfig({ approval: 'when: [older-than-previous]' }),
    });
    const approval = await askForRollback(h, { to: '8b2f4c66-ad30-4e9c-9f57-4a6d8eac2b33' });
    expect(JSON.stringify(approval.blocks)).toContain('older-than-previous');
  });
});
