// The local Slack's reading side through the real WebClient: message metadata, history and
// replies pages, and the history scopes per kind of conversation.
import { type WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';

const BOT_TOKEN = 'xoxb-local-history-test';
const PROD = 'C0DEPLOYPROD';
const META = { event_type: 'rollback_request_status', event_payload: { request_id: 'R1' } };
let slack: LocalSlack;
let web: WebClient;

async function slackError(promise: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  try {
    await promise;
  } catch (error) {
    return (error as WebAPIPlatformError).data;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  slack = await startLocalSlack({ botToken: BOT_TOKEN, signingSecret: 'shh', rateLimits: false });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  await slack.close();
});

describe('message metadata', () => {
  it('is stored with a post, kept by an update, and read back only when asked', async () => {
    const posted = await web.chat.postMessage({ channel: PROD, text: 'Queued', metadata: META });
    expect(posted.message?.metadata).toEqual(META);
    await web.chat.update({ channel: PROD, ts: posted.ts!, text: 'Rolled back' });

    const plain = await web.conversations.history({ channel: PROD });
    expect(plain.messages?.[0]).toMatchObject({ ts: posted.ts, text: 'Rolled back' });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const withMetadata = await web.conversations.history({
      channel: PROD,
      include_all_metadata: true,
    });
    expect(withMetadata.messages?.[0]?.metadata).toEqual(META);
  });

  it('is refused when it is not an event_type with an event_payload', async () => {
    const post = (metadata: unknown) =>
      slackError(web.chat.postMessage({ channel: PROD, text: 'x', metadata: metadata as never }));
    expect((await post('not json')).error).toBe('invalid_metadata_format');
    expect((await post({ event_payload: {} })).error).toBe('invalid_metadata_schema');
    expect((await post({ event_type: 'x', event_payload: 'y' })).error).toBe(
      'invalid_metadata_schema',
    );
    expect(slack.client.messages(PROD)).toEqual([]);
  });
});

describe('conversations.history and conversations.replies', () => {
  it('pages the channel from oldest with a cursor, and the thread after its parent', async () => {
    const ts: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      ts.push((await web.chat.postMessage({ channel: PROD, text })).ts!);
    }
    const first = await web.conversations.history({ channel: PROD, oldest: ts[0], limit: 1 });
    expect(first.messages?.map((m) => m.text)).toEqual(['two']);
    expect(first.has_more).toBe(true);
    const next = await web.conversations.history({
      channel: PROD,
      oldest: ts[0],
      limit: 1,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(next.messages?.map((m) => m.text)).toEqual(['three']);
    expect(next.has_more).toBe(false);

    await web.chat.postMessage({ channel: PROD, thread_ts: ts[0]!, text: 'reply', metadata: META });
    const replies = await web.conversations.replies({
      channel: PROD,
      ts: ts[0]!,
      include_all_metadata: true,
    });
    expect(replies.messages?.map((m) => [m.text, m.metadata?.event_type])).toEqual([
      ['one', undefined],
      ['reply', 'rollback_request_status'],
    ]);
  });

  it('needs channels:history in a public channel and groups:history in a private one', async () => {
    slack.workspace.channels.push({
      id: 'C0PRIVATE',
      name: 'deploys-secret',
      isPrivate: true,
      botIsMember: true,
      members: ['U0ONCALL'],
    });
    slack.workspace.scopes = slack.workspace.scopes.filter((s) => s !== 'groups:history');
    await expect(web.conversations.history({ channel: PROD })).resolves.toMatchObject({ ok: true });
    expect(await slackError(web.conversations.history({ channel: 'C0PRIVATE' }))).toMatchObject({
      error: 'missing_scope',
      needed: 'groups:history',
    });
    slack.workspace.scopes = slack.workspace.scopes.filter((s) => s !== 'channels:history');
    expect(await slackError(web.conversations.replies({ channel: PROD, ts: '1.0' }))).toMatchObject(
      { error: 'missing_scope', needed: 'channels:history' },
    );
  });

  it('answers not_in_channel where the bot is not a member', async () => {
    expect((await slackError(web.conversations.history({ channel: 'C0GENERAL' }))).error).toBe(
      'not_in_channel',
    );
    expect(
      (await slackError(web.conversations.replies({ channel: 'C0GENERAL', ts: '1.0' }))).error,
    ).toBe('not_in_channel');
  });
});
