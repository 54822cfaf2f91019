// The one poster (src/slack/poster.ts) against the local Slack over HTTP, with its channel line in
// a real Redis on a hand-driven clock: posts (in threads, with metadata), edits, private answers
// and deletes reach Slack; a post whose slot is further away than a moment, and a 429 from Slack,
// become SlackRateLimited (a RetryLater, so a job runs again then) and post nothing; a post asked
// again under its name keeps its place in line.
import { WebClient } from '@slack/web-api';
import { ulid } from 'ulid';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { RetryLater } from '../../../src/jobs/processor.js';
import { type LocalSlack, startLocalSlack } from '../../../src/sandbox/slack/index.js';
import { createChannelPacer } from '../../../src/slack/channel-pacer.js';
import { createSlackPoster, type SlackPoster } from '../../../src/slack/poster.js';
import { SlackRateLimited } from '../../../src/slack/slack-errors.js';
import { createChannelLineStore } from '../../../src/store/channel-line-store.js';
import { createRedis } from '../../../src/store/redis.js';
import { waitForRedisReady } from '../../../src/store/redis-wait.js';

const BOT_TOKEN = 'xoxb-poster-test';
const PROD = 'C0DEPLOYPROD';
const msg = (text: string) => ({
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});

const redis = createRedis(inject('redisUrl'), 'request');
let slack: LocalSlack;
let web: WebClient;
beforeAll(async () => {
  await waitForRedisReady(redis, 10_000, 'test redis');
  slack = await startLocalSlack({ botToken: BOT_TOKEN, signingSecret: 'shh', rateLimits: false });
  web = new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
});
afterAll(async () => {
  await slack.close();
  redis.disconnect();
});

let clock = 1_000_000;
let poster: SlackPoster;
beforeEach(() => {
  clock = 1_000_000;
  const lines = createChannelLineStore(redis, `{t-${ulid()}}`);
  poster = createSlackPoster(
    web,
    createChannelPacer(lines, { intervalMs: 1000, burst: 2 }, () => clock),
  );
});

const posted = (text: string) => slack.client.messages(PROD).filter((m) => m.text === text);

describe('the poster', () => {
  it('posts, replies in a thread with metadata, edits, whispers and deletes', async () => {
    const tag = ulid();
    const ts = await poster.post({ channel: PROD, slot: `a|${tag}` }, msg(`parent ${tag}`));
    expect(posted(`parent ${tag}`).map((m) => m.ts)).toEqual([ts]);
    const metadata = { event_type: 'rollback_request_status', event_payload: { request_id: tag } };
    const reply = await poster.post(
      { channel: PROD, threadTs: ts, slot: `b|${tag}` },
      { ...msg(`reply ${tag}`), metadata },
    );
    expect(slack.client.thread(PROD, ts).map((m) => [m.ts, m.text, m.metadata])).toEqual([
      [ts, `parent ${tag}`, undefined],
      [reply, `reply ${tag}`, metadata],
    ]);
    await poster.update({ channel: PROD, ts }, msg(`edited ${tag}`));
    expect(posted(`edited ${tag}`).map((m) => m.ts)).toEqual([ts]);
    await poster.whisper({ channel: PROD, user: 'U0ONCALL' }, { text: `only you ${tag}` });
    expect(
      slack.client.ephemerals('U0ONCALL').filter((m) => m.text === `only you ${tag}`),
    ).toHaveLength(1);
    await poster.delete({ channel: PROD, ts });
    expect(posted(`edited ${tag}`)).toEqual([]);
  });

  it("asks to come back when the channel's line is full, keeping the post's place", async () => {
    const tag = ulid();
    await poster.post({ channel: PROD, slot: `1|${tag}` }, msg(`one ${tag}`));
    await poster.post({ channel: PROD, slot: `2|${tag}` }, msg(`two ${tag}`));
    const third = poster.post({ channel: PROD, slot: `3|${tag}` }, msg(`three ${tag}`));
    await expect(third).rejects.toBeInstanceOf(SlackRateLimited);
    await expect(third).rejects.toMatchObject({ delayMs: 1000 });
    expect(posted(`three ${tag}`)).toEqual([]);
    // Another post asks meanwhile: it queues behind, and the first keeps its place.
    const fourth = poster.post({ channel: PROD, slot: `4|${tag}` }, msg(`four ${tag}`));
    await expect(fourth).rejects.toMatchObject({ delayMs: 2000 });
    clock += 1000;
    await poster.post({ channel: PROD, slot: `3|${tag}` }, msg(`three ${tag}`));
    expect(posted(`three ${tag}`)).toHaveLength(1);
  });

  it("turns Slack's 429 into a RetryLater as long as Slack asked, posting nothing", async () => {
    const tag = ulid();
    slack.force429('chat.postMessage', 1, 3);
    const refused = poster.post({ channel: PROD, slot: `x|${tag}` }, msg(`refused ${tag}`));
    await expect(refused).rejects.toBeInstanceOf(RetryLater);
    await expect(refused).rejects.toMatchObject({ delayMs: 3000 });
    expect(posted(`refused ${tag}`)).toEqual([]);
    slack.force429('chat.update', 1, 2);
    const ts = await poster.post({ channel: PROD, slot: `y|${tag}` }, msg(`kept ${tag}`));
    await expect(poster.update({ channel: PROD, ts }, msg(`lost ${tag}`))).rejects.toMatchObject({
      delayMs: 2000,
    });
    expect(posted(`kept ${tag}`).map((m) => m.ts)).toEqual([ts]);
  });
});
