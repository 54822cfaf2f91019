import { verifySlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LocalSlack,
  signSlackRequest,
  startLocalSlack,
} from '../../../../src/sandbox/slack/index.js';
import { type RecordingBot, startRecordingBot } from './recording-bot.js';

const BOT_TOKEN = 'xoxb-local-test';
const SECRET = 'signing-secret-for-tests';
let slack: LocalSlack;
let bot: RecordingBot;
let web: WebClient;
let clock: number;
const oncall = 'U0ONCALL';

const button = (text: string, actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button' as const,
  text: { type: 'plain_text' as const, text },
  action_id: actionId,
  ...extra,
});

beforeEach(async () => {
  clock = Date.now();
  bot = await startRecordingBot();
  slack = await startLocalSlack({
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    botUrl: bot.url,
    rateLimits: false,
    now: () => clock,
  });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl });
});
afterEach(async () => {
  await slack.close();
  await bot.close();
});

describe('requests towards the bot', () => {
  it('signs slash commands so that Bolt’s own verifier accepts them', async () => {
    await slack.client.command('/rollback', 'prod deploy', { user: oncall });
    const [request] = bot.requests;
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const headers = {
      'x-slack-signature': String(request?.headers['x-slack-signature']),
      'x-slack-request-timestamp': Number(request?.headers['x-slack-request-timestamp']),
    };
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: request!.body,
        headers,
        nowMilliseconds: clock,
      }),
    ).not.toThrow();
    expect(() =>
      verifySlackRequest({
        signingSecret: 'another',
        body: request!.body,
        headers,
        nowMilliseconds: clock,
      }),
    ).toThrow(/signature mismatch/);
    expect(request?.form).toMatchObject({
      command: '/rollback',
      text: 'prod deploy',
      user_id: oncall,
      channel_id: 'C0DEPLOYPROD',
      channel_name: 'deploys-prod',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0ROLLBACK',
    });
    expect(request?.form.response_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\//);
    expect(request?.form.trigger_id).toBeTruthy();
  });

  it('exports the signer for forged-request tests', () => {
    const signature = signSlackRequest(SECRET, 'a=b', 1_700_000_000);
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: 'a=b',
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': 1_700_000_000 },
        nowMilliseconds: 1_700_000_000_000,
      }),
    ).not.toThrow();
    expect(signature).not.toBe(signSlackRequest(SECRET, 'a=c', 1_700_000_000));
  });

  it('shows a non-empty command ack as an ephemeral answer', async () => {
    bot.answer = () => ({ body: { text: 'Rolling back prod…' } });
    const result = await slack.client.command('/rollback', 'prod deploy', { user: oncall });
    expect(result.status).toBe(200);
    expect(result.ack).toEqual({ text: 'Rolling back prod…' });
    expect(result.responses.map((m) => [m.text, m.visible_to])).toEqual([
      ['Rolling back prod…', oncall],
    ]);
  });

  it('response_url posts ephemeral or in-channel messages, five times at most', async () => {
    const result = await slack.client.command('/rollback', 'status', { user: oncall });
    const post = (body: unknown) =>
      fetch(result.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const waiting = result.waitForResponse('for everyone');
    expect((await post({ text: 'just you' })).status).toBe(200);
    expect((await post({ text: 'for everyone', response_type: 'in_channel' })).status).toBe(200);
    expect((await waiting).visible_to).toBeUndefined();
    expect(slack.client.ephemerals(oncall).map((m) => m.text)).toEqual(['just you']);
    await slack.client.waitForMessage('deploys-prod', 'for everyone');
    for (let i = 0; i < 3; i++) expect((await post({ text: `again ${i}` })).status).toBe(200);
    const sixth = await post({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
  });

  it('trigger_id opens one modal, once, within 3 seconds', async () => {
    const first = await slack.client.command('/rollback', 'prod deploy to', { user: oncall });
    const view = {
      type: 'modal' as const,
      callback_id: 'choose',
      title: { type: 'plain_text' as const, text: 'Choose a release' },
      submit: { type: 'plain_text' as const, text: 'Roll back' },
      blocks: [
        {
          type: 'input',
          block_id: 'release',
          label: { type: 'plain_text', text: 'Release' },
          element: {
            type: 'static_select',
            action_id: 'pick',
            options: [
              { text: { type: 'plain_text', text: 'v41 fix login' }, value: 'exec-41' },
              { text: { type: 'plain_text', text: 'v40 add cart' }, value: 'exec-40' },
            ],
          },
        },
        {
          type: 'input',
          block_id: 'why',
          label: { type: 'plain_text', text: 'Reason' },
          element: { type: 'plain_text_input', action_id: 'reason' },
        },
      ],
    };
    const opened = await web.views.open({ trigger_id: first.triggerId, view });
    expect(opened.view?.id).toMatch(/^V/);
    await expect(web.views.open({ trigger_id: first.triggerId, view })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    const second = await slack.client.command('/rollback', 'prod deploy to', { user: oncall });
    clock += 3001;
    await expect(web.views.open({ trigger_id: second.triggerId, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    await expect(web.views.open({ trigger_id: 'made-up', view })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });

    // Submitting: state.values as Slack builds them; ack errors keep it open, empty ack closes it.
    const shown = await slack.client.waitForView(oncall, (v) => v.callback_id === 'choose');
    bot.answer = () => ({ body: { response_action: 'errors', errors: { why: 'Say why' } } });
    const refused = await slack.client.submitView(
      shown,
      { pick: 'v40 add cart', reason: '' },
      { user: oncall },
    );
    expect(refused.ack).toMatchObject({ response_action: 'errors' });
    expect(slack.client.currentView(oncall)?.errors).toEqual({ why: 'Say why' });
    const submission = bot.requests.at(-1)?.payload as {
      type: string;
      view: { state: { values: unknown } };
    };
    expect(submission.type).toBe('view_submission');
    expect(submission.view.state.values).toEqual({
      release: {
        pick: { type: 'static_select', selected_option: view.blocks[0]!.element!.options![1] },
      },
      why: { reason: { type: 'plain_text_input', value: '' } },
    });
    bot.answer = () => ({});
    await slack.client.submitView(
      shown,
      { Release: 'exec-41', Reason: 'bad deploy' },
      { user: oncall },
    );
    expect(slack.client.currentView(oncall)).toBeUndefined();
    await expect(slack.client.submitView(shown, { nope: 'x' }, { user: oncall })).rejects.toThrow(
      /No input nope/,
    );
  });

  it('clicks a button in a message: block_actions with the message, response_url replaces it', async () => {
    const posted = await web.chat.postMessage({
      channel: 'C0DEPLOYPROD',
      text: 'Deploy failed',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*checkout* failed in prod' } },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            button('Roll back', 'rollback', {
              value: 'req-1',
              style: 'danger',
              confirm: {
                title: { type: 'plain_text', text: 'Roll back prod?' },
                text: { type: 'plain_text', text: 'This redeploys v40.' },
                confirm: { type: 'plain_text', text: 'Roll back' },
                deny: { type: 'plain_text', text: 'Cancel' },
              },
            }),
            button('Ignore', 'ignore'),
          ],
        },
      ],
    });
    const message = await slack.client.waitForMessage('deploys-prod', (m) => m.ts === posted.ts);
    await expect(slack.client.click(message, 'Approve', { user: oncall })).rejects.toThrow(
      /No button "Approve" here. Found: button "Roll back" \(rollback\), button "Ignore" \(ignore\)/,
    );
    bot.answer = async (request) => {
      const responseUrl = String(request.payload?.response_url);
      await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replace_original: true, text: 'Rollback requested by <@U0ONCALL>' }),
      });
      return {};
    };
    const click = await slack.client.click(message, 'Roll back', { user: oncall });
    expect(click.status).toBe(200);
    const payload = bot.requests.at(-1)?.payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: oncall },
      container: {
        type: 'message',
        message_ts: posted.ts,
        channel_id: 'C0DEPLOYPROD',
        is_ephemeral: false,
      },
      channel: { id: 'C0DEPLOYPROD', name: 'deploys-prod' },
      message: { ts: posted.ts, text: 'Deploy failed' },
      actions: [
        {
          type: 'button',
          action_id: 'rollback',
          block_id: 'decide',
          value: 'req-1',
          style: 'danger',
        },
      ],
    });
    expect(slack.client.messages('deploys-prod')[0]?.text).toBe(
      'Rollback requested by <@U0ONCALL>',
    );
  });

  it('clicks in ephemeral messages and selects options', async () => {
    await web.chat.postEphemeral({
      channel: 'C0DEPLOYPROD',
      user: oncall,
      text: 'Pick a release',
      blocks: [
        {
          type: 'section',
          block_id: 'pick',
          text: { type: 'mrkdwn', text: 'Which release?' },
          accessory: {
            type: 'static_select',
            action_id: 'release',
            placeholder: { type: 'plain_text', text: 'Choose release' },
            options: [{ text: { type: 'plain_text', text: 'v40' }, value: 'exec-40' }],
          },
        },
      ],
    });
    const ephemeral = await slack.client.waitForEphemeral(oncall, 'Which release?');
    await slack.client.selectOption(ephemeral, 'Choose release', 'v40', { user: oncall });
    expect(bot.requests.at(-1)?.payload).toMatchObject({
      container: { is_ephemeral: true },
      actions: [
        { type: 'static_select', action_id: 'release', selected_option: { value: 'exec-40' } },
      ],
    });
    expect(bot.requests.at(-1)?.payload?.message).toBeUndefined();
  });

  it('reports an unreachable bot as dispatch_failed', async () => {
    await bot.close();
    const result = await slack.client.command('/rollback', 'help', { user: oncall });
    expect(result).toMatchObject({ status: 0, error: 'dispatch_failed' });
  });
});
