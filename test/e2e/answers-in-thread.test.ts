// Where a click is answered, end to end through the local Slack: a private answer to a click in a
// thread is in that thread (Slack puts a response_url's new message in the channel pane, so the
// bot answers with chat.postEphemeral and thread_ts); a click on a top-level message is answered
// in the channel.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/sandbox/slack/state.js';
import {
  type GuardHarness,
  guardConfig,
  ONCALL,
  OUTSIDER,
  PROD,
  startGuardHarness,
  stopHarnessesAfterEach,
} from './guardrails/guard-harness.js';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

/** Clicks, then resolves with the next private message to `user` matching `match`. */
async function answerTo(
  g: GuardHarness,
  target: Message,
  button: string,
  user: string,
  match: RegExp,
): Promise<Message> {
  const seen = new Set(g.slack.client.ephemerals(user).map((m) => m.ts));
  await g.slack.client.click(target, button, { user });
  return g.slack.client.waitForEphemeral(user, (m) => !seen.has(m.ts) && match.test(m.text), {
    timeoutMs: 10_000,
  });
}

describe('answers to clicks', () => {
  it('a refused click in a thread is answered in that thread; on a top-level message, in the channel', async () => {
    h = await startGuardHarness({ config: guardConfig({ approval: 'when: [always]\n' }) });
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    const approval = await h.slack.client.waitForMessage(PROD, 'Approval needed', {
      timeoutMs: 10_000,
    });
    expect(approval.thread_ts).toBeDefined();

    const outsider = await answerTo(h, approval, 'Approve', OUTSIDER, /not an approver/);
    expect(outsider.channel).toBe(PROD);
    expect(outsider.thread_ts).toBe(approval.thread_ts);
    const self = await answerTo(h, approval, 'Approve', ONCALL, /you cannot approve it/);
    expect(self.thread_ts).toBe(approval.thread_ts);

    // The live status message is the thread's parent, in the channel: answered there.
    const status = h.slack.client.messages(PROD).find((m) => m.ts === approval.thread_ts);
    if (!status) throw new Error('no status message');
    const refused = await answerTo(h, status, 'Cancel request', OUTSIDER, /./);
    expect(refused.channel).toBe(PROD);
    expect(refused.thread_ts).toBeUndefined();
  });
});
