// The local Slack in front of several web replicas: requests spread round robin, a replica that
// refuses connections is skipped (the request goes to the next), and an answer that comes too
// late is not sent again elsewhere (the replica may have acted on it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';
import { type RecordingBot, startRecordingBot } from './recording-bot.js';

const oncall = 'U0ONCALL';
let slack: LocalSlack;
let a: RecordingBot;
let b: RecordingBot;

beforeEach(async () => {
  [a, b] = await Promise.all([startRecordingBot(), startRecordingBot()]);
  slack = await startLocalSlack({
    botToken: 'xoxb-local-test',
    signingSecret: 'signing-secret-for-tests',
    botUrl: [a.url, b.url],
    rateLimits: false,
    ackTimeoutMs: 500,
  });
});
afterEach(async () => {
  await slack.close();
  await Promise.all([a.close(), b.close()]);
});

const texts = (bot: RecordingBot) => bot.requests.map((r) => r.form.text);

describe('several bot URLs', () => {
  it('spreads commands round robin over the replicas', async () => {
    for (let i = 0; i < 6; i++) {
      const sent = await slack.client.command('/rollback', `status ${i}`, { user: oncall });
      expect(sent.status).toBe(200);
    }
    expect(texts(a)).toEqual(['status 0', 'status 2', 'status 4']);
    expect(texts(b)).toEqual(['status 1', 'status 3', 'status 5']);
  });

  it('skips a replica that refuses connections, and fails only when none answers', async () => {
    await b.close();
    for (let i = 0; i < 4; i++) {
      const sent = await slack.client.command('/rollback', `status ${i}`, { user: oncall });
      expect(sent.status).toBe(200);
      expect(sent.error).toBeUndefined();
    }
    expect(texts(a)).toEqual(['status 0', 'status 1', 'status 2', 'status 3']);
    await a.close();
    const sent = await slack.client.command('/rollback', 'status', { user: oncall });
    expect(sent.error).toBe('dispatch_failed');
  });

  it('does not resend a request whose replica answered too late', async () => {
    a.answer = () => new Promise((r) => setTimeout(() => r({}), 1_000));
    const sent = await slack.client.command('/rollback', 'slow', { user: oncall });
    expect(sent.error).toBe('operation_timeout');
    expect(texts(a)).toEqual(['slow']);
    expect(b.requests).toHaveLength(0);
  });

  it('setBotUrl replaces the replicas, one or several, and names a bad URL', async () => {
    slack.setBotUrl(b.url);
    await slack.client.command('/rollback', 'one', { user: oncall });
    await slack.client.command('/rollback', 'two', { user: oncall });
    expect(texts(b)).toEqual(['one', 'two']);
    expect(() => slack.setBotUrl(['nope'])).toThrow(/"nope" is not a URL/);
    expect(() => slack.setBotUrl([])).toThrow(/at least one bot URL/);
  });
});
