// What must hold however Slack, people or AWS behave: forged requests, stale clicks, slow AWS,
// rate limits, hostile commit messages, and the picker.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/index.js';
import { type Harness, type HarnessOptions, startHarness } from '../support/harness.js';

const config = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const ONCALL = 'U0ONCALL';
const PROD = 'C0DEPLOYPROD';
const STAGING = 'C0DEPLOYSTG';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
async function start(extra: Partial<HarnessOptions> = {}) {
  h = await startHarness({
    config,
    world,
    time: { mode: 'realtime', stageDurationMs: 30 },
    ...extra,
  });
  return h;
}

function commandBody(team = 'T0SANDBOX') {
  return new URLSearchParams({
    token: 'x',
    team_id: team,
    api_app_id: 'A0ROLLBACK',
    channel_id: PROD,
    user_id: ONCALL,
    command: '/rollback',
    text: 'help',
    response_url: 'http://127.0.0.1:9/never',
    trigger_id: '1.2.3',
  }).toString();
}

async function post(h: Harness, body: string, headers: Record<string, string>) {
  return fetch(`http://127.0.0.1:${h.bot.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('requests that are not from our Slack', () => {
  it('refuses a bad signature, a timestamp from the future, and another workspace', async () => {
    const h = await start();
    const body = commandBody();
    const now = Math.floor(Date.now() / 1000);
    const forged = await post(h, body, {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': signSlackRequest('not-the-secret', body, now),
    });
    expect(forged.status).toBe(401);

    const future = now + 3600;
    const ahead = await post(h, body, {
      'x-slack-request-timestamp': String(future),
      'x-slack-signature': signSlackRequest(h.signingSecret, body, future),
    });
    expect(ahead.status).toBe(401);

    const foreign = commandBody('T0OTHERTEAM');
    const other = await post(h, foreign, {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': signSlackRequest(h.signingSecret, foreign, now),
    });
    expect(other.status).not.toBe(200);

    const good = await post(h, body, {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': signSlackRequest(h.signingSecret, body, now),
    });
    expect(good.status).toBe(200);
  });
});

describe('clicks', () => {
  it('acks an action nobody listens for (a link button) and does nothing else', async () => {
    const h = await start();
    const payload = {
      type: 'block_actions',
      team: { id: 'T0SANDBOX' },
      api_app_id: 'A0ROLLBACK',
      user: { id: ONCALL },
      channel: { id: PROD },
      trigger_id: '1.2.3',
      response_url: 'http://127.0.0.1:9/never',
      actions: [{ type: 'button', action_id: 'open-runbook', block_id: 'b', value: 'x' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const now = Math.floor(Date.now() / 1000);
    const answer = await post(h, body, {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': signSlackRequest(h.signingSecret, body, now),
    });
    expect(answer.status).toBe(200);
    expect(h.slack.client.messages(PROD)).toHaveLength(0);
  });

  it('a stale click after the rollback finished changes nothing and says so', async () => {
    const h = await start();
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    // A replay of the original confirmation, as a second tab or a retried request would send it.
    const replay = structuredClone(confirmation);
    await h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });

    const again = await h.slack.client.click(replay, 'rollback.confirm', { user: ONCALL });
    expect(again.status).toBe(200);
    const answer = await h.slack.client.waitForEphemeral(
      ONCALL,
      'Already started: this button led to request',
    );
    expect(answer.visible_to).toBe(ONCALL);
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  });

  it('only the requester can confirm their own rollback', async () => {
    const h = await start();
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    const click = await h.slack.client.click(confirmation, 'rollback.confirm', {
      user: 'U0ONCALL2',
    });
    expect(click.status).toBe(200);
    await h.slack.client.waitForEphemeral(
      'U0ONCALL2',
      /who asked for this rollback, can confirm it/,
    );
    // The refusal did not replace the requester's confirmation.
    expect(
      h.slack.client.ephemerals(ONCALL).some((m) => m.text.includes('Review the rollback')),
    ).toBe(true);
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
  });

  it('picks an older release in the modal, shows its diff, and rolls back to it', async () => {
    const h = await start();
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await h.slack.client.click(confirmation, 'Choose another release…', { user: ONCALL });
    const picker = await h.slack.client.waitForView(
      ONCALL,
      (v) => JSON.stringify(v.blocks).includes('picker_release'),
      { timeoutMs: 10_000 },
    );
    const select = picker.blocks.find(
      (b) => (b as { block_id?: string }).block_id === 'picker_release',
    ) as unknown as {
      element: { options: Array<{ value: string }> };
    };
    const options = select.element.options.map((o) => o.value);
    expect(options.length).toBeGreaterThan(1);
    const older = options[1]!;
    await h.slack.client.selectOption(picker, 'picker.release', older, { user: ONCALL });
    const withDiff = await h.slack.client.waitForView(
      ONCALL,
      (v) => JSON.stringify(v.blocks).includes('after rollback'),
      { timeoutMs: 10_000 },
    );
    await h.slack.client.submitView(
      withDiff,
      { 'picker.release': older, reason: 'bad deploy, going further back' },
      { user: ONCALL },
    );
    // "Review rollback" shows the review first; nothing happens before its own button. The
    // sandbox config asks for approval when the target is older than the previous release, and
    // the review says so before the click.
    const review = await h.slack.client.waitForEphemeral(
      ONCALL,
      (m) =>
        JSON.stringify(m.blocks).includes('Review this rollback') &&
        JSON.stringify(m.blocks).includes('going further back'),
      { timeoutMs: 10_000 },
    );
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
    expect(JSON.stringify(review.blocks)).toContain('Needs approval');
    expect(JSON.stringify(review.blocks)).toContain('bad deploy, going further back');
    await h.slack.client.click(review, 'rollback.confirm', { user: ONCALL });
    const approval = await h.slack.client.waitForMessage(PROD, 'Approval needed', {
      timeoutMs: 10_000,
    });
    // The reason typed in the picker is kept on the approval path.
    expect(JSON.stringify(approval.blocks)).toContain('bad deploy, going further back');
    await h.slack.client.click(approval, 'Approve', { user: 'U0MANAGER' });
    await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    const calls = h.aws.control.calls({ operation: 'RollbackStage' });
    expect(calls).toHaveLength(1);
    expect(
      (calls[0]!.input as { targetPipelineExecutionId: string }).targetPipelineExecutionId,
    ).toBe(older);
  });
});

describe('Slack and AWS under strain', () => {
  it('acknowledges within Slack’s 3 s while every AWS call takes 10 s', async () => {
    const h = await start();
    for (const op of [
      'GetPipelineState',
      'ListPipelineExecutions',
      'GetPipelineExecution',
      'GetPipeline',
    ]) {
      h.aws.control.injectFault(op, { latencyMs: 10_000 });
    }
    const started = Date.now();
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const acked = Date.now() - started;
    expect(cmd.status).toBe(200);
    expect(acked).toBeLessThan(3_000);
    h.aws.control.clearFaults();
  });

  it('lands the final status even when Slack answers 429 to updates', async () => {
    const h = await start();
    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    h.slack.force429('chat.update', 3, 1);
    h.slack.force429('chat.postMessage', 1, 1);
    await h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    const done = await h.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 30_000 });
    expect(done.text).toMatch(/^Rolled back/);
    // One live-status message (it carries the request id), updated in place: never re-posted.
    const statusMessages = h.slack.client
      .messages(PROD)
      .filter((m) => /Request [0-9A-Z]{26}/.test(JSON.stringify(m.blocks)));
    expect(statusMessages).toHaveLength(1);
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  });

  it('renders a hostile commit message inert in the confirmation', async () => {
    const h = await start({ time: { mode: 'manual' } });
    const hostile = `<!channel> <@U0MANAGER> *now* <https://evil.example|https://github.com/acme/web-app> ${'y'.repeat(5000)}`;
    h.aws.control.startExecution('web-app', {
      revision: {
        id: 'badc0ffee0ddf00dbadc0ffee0ddf00dbadc0ffe',
        message: hostile,
        author: '<!here>',
      },
      outcome: { failStage: 'Deploy-Staging' },
    });
    h.aws.control.runUntilIdle();
    const cmd = await h.slack.client.command('/rollback', 'staging', {
      user: ONCALL,
      channel: STAGING,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    const json = JSON.stringify(confirmation.blocks);
    expect(json).toContain('badc0ff');
    for (const raw of ['<!channel>', '<@U0MANAGER>', '<!here>', '<https://evil.example'])
      expect(json).not.toContain(raw);
    expect(json.length).toBeLessThan(12_000);
  });
});
