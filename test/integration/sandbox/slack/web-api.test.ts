import {
  ErrorCode,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  WebClient,
  WebClientEvent,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';

const BOT_TOKEN = 'xoxb-local-test';
let slack: LocalSlack;
let web: WebClient;

async function platformError(promise: Promise<unknown>): Promise<WebAPIPlatformError> {
  try {
    await promise;
  } catch (error) {
    return error as WebAPIPlatformError;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  slack = await startLocalSlack({ botToken: BOT_TOKEN, signingSecret: 'shh', rateLimits: false });
  // The bot's manifest asks for neither; these tests read users and channels the way another
  // app's token could.
  slack.workspace.scopes.push('users:read', 'channels:read');
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true });
});
afterEach(async () => {
  await slack.close();
});

describe('local Slack Web API through the real WebClient', () => {
  it('answers auth.test like Slack', async () => {
    const auth = await web.auth.test();
    expect(auth).toMatchObject({
      ok: true,
      team_id: 'T0SANDBOX',
      user_id: 'U0ROLLBOT',
      bot_id: 'B0ROLLBOT',
    });
    expect(slack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('rejects another token with invalid_auth', async () => {
    const other = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl });
    const error = await platformError(other.auth.test());
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data.error).toBe('invalid_auth');
  });

  it('posts, threads, updates, deletes and links messages', async () => {
    const posted = await web.chat.postMessage({ channel: '#deploys-prod', text: 'Deploy failed' });
    expect(posted).toMatchObject({ ok: true, channel: 'C0DEPLOYPROD' });
    const ts = posted.ts!;
    const reply = await web.chat.postMessage({
      channel: 'C0DEPLOYPROD',
      thread_ts: ts,
      text: 'Approve?',
    });
    expect(slack.client.thread('deploys-prod', ts).map((m) => m.text)).toEqual([
      'Deploy failed',
      'Approve?',
    ]);
    expect(slack.client.messages('C0DEPLOYPROD').map((m) => m.text)).toEqual(['Deploy failed']);

    const updated = await web.chat.update({ channel: 'C0DEPLOYPROD', ts, text: 'Rolled back' });
    expect(updated.message?.text).toBe('Rolled back');
    expect(slack.client.messages('deploys-prod')[0]?.edited).toBeDefined();

    const link = await web.chat.getPermalink({ channel: 'C0DEPLOYPROD', message_ts: ts });
    expect(link.permalink).toContain(`/archives/C0DEPLOYPROD/p${ts.replace('.', '')}`);

    await web.chat.delete({ channel: 'C0DEPLOYPROD', ts: reply.ts! });
    expect(slack.client.thread('deploys-prod', ts)).toHaveLength(1);
  });

  it('refuses bad messages with Slack error codes', async () => {
    const cases: [Promise<unknown>, string][] = [
      [web.chat.postMessage({ channel: 'C0NOPE', text: 'x' }), 'channel_not_found'],
      [web.chat.postMessage({ channel: '#general', text: 'x' }), 'not_in_channel'],
      [web.chat.postMessage({ channel: 'C0DEPLOYPROD', text: '' }), 'no_text'],
      [web.chat.postMessage({ channel: 'C0DEPLOYPROD', text: 'x'.repeat(40_001) }), 'msg_too_long'],
      [
        web.chat.update({ channel: 'C0DEPLOYPROD', ts: '1.000001', text: 'x' }),
        'message_not_found',
      ],
      [web.users.info({ user: 'U0NOBODY' }), 'user_not_found'],
      [web.usergroups.users.list({ usergroup: 'S0NOPE' }), 'no_such_subteam'],
      [web.conversations.info({ channel: 'C0NOPE' }), 'channel_not_found'],
    ];
    for (const [call, code] of cases) {
      expect((await platformError(call)).data.error).toBe(code);
    }
  });

  it('names the Block Kit problem in invalid_blocks', async () => {
    const error = await platformError(
      web.chat.postMessage({
        channel: 'C0DEPLOYPROD',
        text: 'fallback',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'x'.repeat(80) },
                action_id: 'go',
              },
            ],
          },
        ],
      }),
    );
    expect(error.data.error).toBe('invalid_blocks');
    expect(error.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ]);
    expect(slack.client.messages('C0DEPLOYPROD')).toEqual([]);
  });

  it('answers missing_scope when the token lacks a scope', async () => {
    slack.workspace.scopes = slack.workspace.scopes.filter((s) => s !== 'usergroups:read');
    const error = await platformError(web.usergroups.users.list({ usergroup: 'S0APPROVERS' }));
    expect(error.data).toMatchObject({ error: 'missing_scope', needed: 'usergroups:read' });
  });

  it('knows users, user groups and channels', async () => {
    const manager = await web.users.info({ user: 'U0MANAGER' });
    expect(manager.user).toMatchObject({ id: 'U0MANAGER', real_name: 'Maria Manager' });
    const group = await web.usergroups.users.list({ usergroup: 'S0APPROVERS' });
    expect(group.users).toEqual(['U0MANAGER', 'U0RELEASE']);
    const channel = await web.conversations.info({ channel: 'C0DEPLOYPROD' });
    expect(channel.channel).toMatchObject({ name: 'deploys-prod', is_member: true });
  });

  it('posts ephemerals only to channel members', async () => {
    const sent = await web.chat.postEphemeral({
      channel: 'C0DEPLOYPROD',
      user: 'U0ONCALL',
      text: 'only you',
    });
    expect(sent.message_ts).toBeDefined();
    expect(slack.client.ephemerals('U0ONCALL').map((m) => m.text)).toEqual(['only you']);
    expect(slack.client.ephemerals('U0MANAGER')).toEqual([]);
  });

  it('waitForMessage resolves on the post and on an update', async () => {
    const waiting = slack.client.waitForMessage('deploys-prod', 'rolled back');
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYPROD', text: 'rolling back…' });
    await web.chat.update({ channel: 'C0DEPLOYPROD', ts: posted.ts!, text: 'rolled back' });
    expect((await waiting).ts).toBe(posted.ts);
    await expect(
      slack.client.waitForMessage('deploys-prod', 'never', { timeoutMs: 50 }),
    ).rejects.toThrow(/Timed out after 50 ms waiting for a message in deploys-prod/);
  });

  it('logs every call without the token', async () => {
    await web.auth.test();
    expect(slack.state.calls.at(-1)).toMatchObject({ method: 'auth.test', ok: true, status: 200 });
    expect(JSON.stringify(slack.state.calls)).not.toContain(BOT_TOKEN);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After beyond the per-channel burst', async () => {
    await slack.close();
    let clock = 1_000_000;
    slack = await startLocalSlack({
      botToken: BOT_TOKEN,
      signingSecret: 'shh',
      rateLimits: { perChannelPerSecond: 1, burst: 3 },
      now: () => clock,
    });
    web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true });
    for (let i = 0; i < 3; i++)
      await web.chat.postMessage({ channel: 'C0DEPLOYPROD', text: `m${i}` });
    const limited = (await platformError(
      web.chat.postMessage({ channel: 'C0DEPLOYPROD', text: 'one too many' }),
    )) as unknown as WebAPIRateLimitedError;
    expect(limited.code).toBe(ErrorCode.RateLimitedError);
    expect(limited.retryAfter).toBe(1);
    // Another channel has its own bucket.
    await web.chat.postMessage({ channel: 'C0DEPLOYSTG', text: 'fine' });
    clock += 1000;
    await web.chat.postMessage({ channel: 'C0DEPLOYPROD', text: 'after a second' });
    expect(slack.state.calls.filter((c) => c.status === 429)).toHaveLength(1);
  });

  it('force429 makes the next calls fail, and a retrying WebClient gets through', async () => {
    slack.force429('chat.postMessage', 1, 0);
    const retrying = new WebClient(BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
    });
    let rateLimited = 0;
    retrying.on(WebClientEvent.RATE_LIMITED, () => {
      rateLimited += 1;
    });
    const posted = await retrying.chat.postMessage({ channel: 'C0DEPLOYPROD', text: 'eventually' });
    expect(posted.ok).toBe(true);
    expect(rateLimited).toBe(1);
    expect(slack.state.calls.map((c) => c.status)).toEqual([429, 200]);
  });
});
