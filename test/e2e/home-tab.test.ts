// The App Home tab end to end, through the real Bolt app, the local Slack, real Redis and the
// local AWS endpoint: app_home_opened → views.publish (over HTTP and Socket Mode), the tab
// republished when an approval is asked for and when the rollback ends, Approve from the tab
// going through the approval card's own checks (the requester and an outsider refused, the
// request moved once, a second click told so), each answer shown on the clicker's tab.
import { readFileSync } from 'node:fs';
import { ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { visibleText } from '../../src/sandbox/slack/elements.js';
import type { HomeView } from '../../src/sandbox/slack/state.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  type GuardHarness,
  guardConfig,
  MANAGER,
  ONCALL,
  OUTSIDER,
  PROD,
  startGuardHarness,
} from './guardrails/guard-harness.js';

let h: GuardHarness | undefined;
let s: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  await s?.stop();
  h = undefined;
  s = undefined;
});

const shown = (v: HomeView) => visibleText({ text: '', blocks: v.blocks });
/** The request ids the view offers Approve for. */
const approvable = (v: HomeView) =>
  v.blocks.flatMap((b) =>
    b.type === 'actions'
      ? (b.elements as Array<{ action_id: string; value?: string }>)
          .filter((e) => e.action_id === 'rollback.approve')
          .map((e) => e.value)
      : [],
  );
const rollbackCalls = (g: GuardHarness) => g.aws.control.calls({ operation: 'RollbackStage' });

describe('the App Home tab', () => {
  it('is published on app_home_opened, lists the approval waiting, and approves from there once', async () => {
    h = await startGuardHarness({ config: guardConfig({ approval: 'when: [always]\n' }) });
    const { client } = h.slack;

    // Opened before anything waits: nothing for the manager, and their environments.
    const opened = await client.openHome({ user: MANAGER });
    expect(opened.sent).toBe(true);
    expect(opened.result?.status).toBe(200);
    const first = await client.waitForHome(MANAGER, 'Nothing waits for your approval.', {
      timeoutMs: 10_000,
    });
    expect(shown(first)).toContain('My environments');
    // The live release as a commit (short sha, linked, and its first line), with its standing.
    const prodUs = first.blocks
      .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
      .find((t) => t.startsWith('*prod-us*'));
    expect(prodUs).toMatch(
      /\n:package: Now: <https:\/\/github\.com\/[^|]+\|[0-9a-f]{7}> `[^`]+`\n/,
    );
    expect(prodUs).toMatch(/Not known to be bad here|Bad here/);
    await client.openHome({ user: OUTSIDER });
    await client.waitForHome(OUTSIDER, 'Nothing waits for your approval.', { timeoutMs: 10_000 });

    // On-call asks; the manager's tab is republished with it (the manager did nothing).
    const cmd = await client.command('/rollback', 'prod-us because checkout errors', {
      user: ONCALL,
      channel: PROD,
    });
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await client.click(review, 'rollback.confirm', { user: ONCALL });
    const home = await client.waitForHome(MANAGER, (v) => approvable(v).length === 1, {
      timeoutMs: 10_000,
    });
    const requestId = approvable(home)[0]!;
    expect(shown(home)).toContain('checkout errors');
    expect(JSON.stringify(home.blocks)).toContain('Asked by <@U0ONCALL>');
    // The outsider is no approver: their tab offers nothing.
    expect(approvable(client.homeView(OUTSIDER)!)).toEqual([]);

    // A click from a tab that is not theirs is checked like one on the card: refused, on their tab.
    await client.click(home, 'Approve', { user: OUTSIDER });
    await client.waitForHome(OUTSIDER, /not an approver/, { timeoutMs: 10_000 });
    await client.openHome({ user: ONCALL });
    await client.click(home, 'Approve', { user: ONCALL });
    await client.waitForHome(ONCALL, /you cannot approve it/, { timeoutMs: 10_000 });
    expect((await h.bot.services.rollback.get(requestId))?.state).toBe('awaiting_approval');
    expect(rollbackCalls(h)).toHaveLength(0);

    // The manager approves from the tab: answered there, rolled back once.
    await client.click(home, 'Approve', { user: MANAGER });
    await client.waitForHome(MANAGER, /Approved \(1 of 1\)/, { timeoutMs: 10_000 });
    await client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(rollbackCalls(h)).toHaveLength(1);
    // A second click, on the tab as another device still shows it, moves nothing.
    const stale: HomeView = { ...structuredClone(home), id: 'V0OTHERDEVICE' };
    await client.click(stale, 'Approve', { user: MANAGER });
    await client.waitForHome(MANAGER, /no longer waiting|already/i, { timeoutMs: 10_000 });
    expect(rollbackCalls(h)).toHaveLength(1);
    const audit = await h.audit();
    expect(audit.filter((e) => e.event === 'approval-granted')).toHaveLength(1);
    expect(
      audit
        .filter((e) => e.event === 'approval-refused')
        .map((e) => e.by)
        .sort(),
    ).toEqual(expect.arrayContaining([`user:${ONCALL}`, `user:${OUTSIDER}`]));

    // When the rollback has ended, the tab says so by itself: nothing waits, and it is history.
    const done = await client.waitForHome(
      MANAGER,
      (v) =>
        approvable(v).length === 0 &&
        /Last rollbacks[\s\S]*Rolled back[\s\S]*approved by <@U0MANAGER>/.test(
          JSON.stringify(v.blocks),
        ),
      { timeoutMs: 20_000 },
    );
    expect(shown(done)).toContain('Nothing waits for your approval.');
    // Every publish passed the local Slack's checks for a Home view.
    const publishes = h.slack.state.calls.filter((c) => c.method === 'views.publish');
    expect(publishes.length).toBeGreaterThan(0);
    expect(publishes.filter((c) => !c.ok)).toEqual([]);
  });

  it('names the live release even when there is no earlier one to go back to', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    const { client } = h.slack;
    // Every earlier release of prod-us marked bad: no default target is left.
    const picked = await client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
    const review = await picked.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    const live = /\*Now:\* <[^|]+\|([0-9a-f]{7})>/.exec(JSON.stringify(review.blocks))?.[1];
    expect(live).toBeDefined();
    const listed = await h.codepipeline.send(
      new ListPipelineExecutionsCommand({
        pipelineName: 'web-app',
        filter: { succeededInStage: { stageName: 'Deploy' } },
      }),
    );
    const earlier = (listed.pipelineExecutionSummaries ?? [])
      .flatMap((e) => e.sourceRevisions?.map((r) => r.revisionId ?? '') ?? [])
      .filter((sha) => sha !== '' && !sha.startsWith(live!));
    expect(earlier.length).toBeGreaterThan(0);
    for (const sha of new Set(earlier)) {
      const marked = await client.command(
        '/rollback',
        `mark-bad prod-us ${sha.slice(0, 7)} because broken`,
        {
          user: ONCALL,
          channel: PROD,
        },
      );
      await marked.waitForResponse(/Marked/, { timeoutMs: 10_000 });
    }
    const none = await client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
    await none.waitForResponse(/No earlier release/, { timeoutMs: 10_000 });

    await client.openHome({ user: ONCALL });
    const home = await client.waitForHome(ONCALL, 'My environments', { timeoutMs: 10_000 });
    const prodUs = home.blocks
      .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
      .find((t) => t.startsWith('*prod-us*'));
    expect(prodUs).toContain(`|${live}>`);
    expect(prodUs).not.toContain('Now: not known');
  });

  it('rejects from the tab through the reason modal, and says so on the tab', async () => {
    h = await startGuardHarness({ config: guardConfig({ approval: 'when: [always]\n' }) });
    const { client } = h.slack;
    await client.openHome({ user: MANAGER });
    await client.waitForHome(MANAGER, 'Nothing waits for your approval.', { timeoutMs: 10_000 });
    const cmd = await client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await client.click(review, 'rollback.confirm', { user: ONCALL });
    const home = await client.waitForHome(MANAGER, (v) => approvable(v).length === 1, {
      timeoutMs: 10_000,
    });
    const requestId = approvable(home)[0]!;
    // The click on the tab opens the same modal as on the card (a Home click has a trigger_id).
    await client.click(home, 'Reject', { user: MANAGER });
    const modal = await client.waitForView(MANAGER, (v) => v.callback_id === 'reject.modal');
    await client.submitView(
      modal,
      { reject_reason: 'not now, we are mid-incident' },
      { user: MANAGER },
    );
    await client.waitForHome(MANAGER, 'Rejected the rollback of prod-us.', { timeoutMs: 10_000 });
    await client.waitForHome(MANAGER, 'Nothing waits for your approval.', { timeoutMs: 10_000 });
    expect((await h.bot.services.rollback.get(requestId))?.state).toBe('rejected');
    expect(rollbackCalls(h)).toHaveLength(0);
    // A new visit starts without the last visit's answer.
    await client.openHome({ user: MANAGER });
    await client.waitForHome(
      MANAGER,
      (v) => !shown(v).includes('Rejected the rollback of') && !shown(v).includes('Your click'),
      { timeoutMs: 10_000 },
    );
  });

  it('is published over Socket Mode too', async () => {
    const config = readFileSync(
      new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
      'utf8',
    );
    const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
    s = await startHarness({ config, world, transport: 'socket' });
    const opened = await s.slack.client.openHome({ user: MANAGER });
    expect(opened.result?.status).toBe(200);
    expect(s.slack.socketMode.deliveries().some((d) => d.type === 'events_api')).toBe(true);
    const view = await s.slack.client.waitForHome(MANAGER, 'Waiting for my approval', {
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(view.blocks)).toContain('For <@U0MANAGER>');
  });
});
