// Socket Mode end to end, against the local Slack's WebSocket: the HTTP server keeps health and
// /aws/events but not /slack/events; a refresh in the middle of a burst loses nothing and runs
// nothing twice; an envelope whose ack was lost is redelivered and acted on once; stopping the
// bot closes its connection; a wrong app-level token stops start-up with a clear error.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../../../src/app/start-bot.js';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import { startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { type Message, startLocalSlack, visibleText } from '../../../src/sandbox/slack/index.js';
import { FAST_SOCKET_MODE, type Harness, startHarness, testBotEnv } from '../../support/harness.js';
import { ONCALL, PROD, WORLD } from '../guardrails/guard-harness.js';

const config = readFileSync(
  new URL('../../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const REVIEW = 'Review this rollback';
const isReview = (m: Message) => visibleText(m).includes(REVIEW);

let h: Harness | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const c of cleanups.splice(0)) await c();
});

async function start() {
  h = await startHarness({
    config,
    world: WORLD,
    time: { mode: 'realtime', stageDurationMs: 30 },
    transport: 'socket',
  });
  return h;
}

/** Every envelope sent so far has an outcome (acked, timed out for good, or undeliverable). */
async function settled(g: Harness) {
  await expect
    .poll(() => g.slack.socketMode.deliveries().filter((d) => d.outcome === 'waiting').length, {
      timeout: 20_000,
    })
    .toBe(0);
}

describe('Socket Mode', () => {
  it('serves health and /aws/events over HTTP, not /slack/events; stop closes the connection', async () => {
    const g = await start();
    const base = `http://127.0.0.1:${g.bot.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect(g.slack.socketMode.connectionCount()).toBe(1);
    await g.bot.stop();
    await expect.poll(() => g.slack.socketMode.connectionCount()).toBe(0);
  });

  it('a refresh in the middle of 20 commands: each answered once, none lost', async () => {
    const g = await start();
    const send = () =>
      g.slack.client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
    const first = Array.from({ length: 10 }, send);
    g.slack.socketMode.disconnect('refresh_requested');
    const second = Array.from({ length: 10 }, send);
    const commands = await Promise.all([...first, ...second]);
    await Promise.all(commands.map((c) => c.waitForResponse(REVIEW, { timeoutMs: 20_000 })));
    // The bot came back on a new connection (Bolt reconnects on refresh_requested).
    await expect.poll(() => g.slack.socketMode.connectionCount()).toBe(1);
    await settled(g);
    // Each command's review once, and no more (a redelivery would add a second).
    const reviews = commands.map((c) => c.responses.filter(isReview).length);
    expect(reviews).toEqual(Array(20).fill(1));
    expect(g.slack.client.ephemerals(ONCALL).filter(isReview)).toHaveLength(20);
  });

  it('a command whose ack was lost is redelivered and answered once', async () => {
    const g = await start();
    g.slack.socketMode.ignoreAcks(1);
    const cmd = await g.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    // Slack showed the user its timeout; the envelope came again and was acked.
    expect(cmd.error).toBe('operation_timeout');
    await cmd.waitForResponse(REVIEW, { timeoutMs: 10_000 });
    await settled(g);
    expect(
      g.slack.socketMode.deliveries().map((d) => [d.retryAttempt, d.retryReason, d.outcome]),
    ).toEqual([
      [0, '', 'timeout'],
      [1, 'timeout', 'acked'],
    ]);
    expect(cmd.responses.filter(isReview)).toHaveLength(1);
  });

  it('a Roll back click whose ack was lost is redelivered and rolls back once', async () => {
    const g = await start();
    const cmd = await g.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const review = await cmd.waitForResponse(REVIEW, { timeoutMs: 10_000 });
    const changes: string[] = [];
    g.slack.state.subscribe((e) => {
      if (e.kind === 'message_changed' && e.message.ts === review.ts)
        changes.push(visibleText(e.message));
    });
    g.slack.socketMode.ignoreAcks(1);
    const click = await g.slack.client.click(review, 'rollback.confirm', { user: ONCALL });
    expect(click.error).toBe('operation_timeout');
    await g.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    await settled(g);
    const clicks = g.slack.socketMode.deliveries().filter((d) => d.type === 'interactive');
    expect(clicks.map((d) => [d.retryAttempt, d.outcome])).toEqual([
      [0, 'timeout'],
      [1, 'acked'],
    ]);
    expect(clicks[0]!.triggerId).toBe(clicks[1]!.triggerId);
    expect(g.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    // One answer to the click: no "already started" for the redelivery.
    // One answer to the click: the review replaced once, no second answer for the redelivery.
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/Rollback of prod-us queued/);
  });

  it('a wrong app-level token stops start-up, saying what to do, without the token', async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const aws = await startAwsSandbox({ world: WORLD });
    cleanups.push(() => aws.close());
    const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const slack = await startLocalSlack({
      botToken,
      signingSecret,
      transport: 'socket',
      appToken: 'xapp-1-the-right-one',
    });
    cleanups.push(() => slack.close());
    const wrong = `xapp-1-wrong-${randomBytes(8).toString('hex')}`;
    const env = testBotEnv({
      botToken,
      signingSecret,
      slackApiUrl: slack.apiUrl,
      awsUrl: aws.url,
      prefix: `{t-${ulid()}}`,
      appToken: wrong,
    });
    const started = startBot({
      env,
      config: parseConfig(config, 'test config', 'us-east-1'),
      log: createLogger(env.LOG_LEVEL),
      host: '127.0.0.1',
      overrides: { socketMode: FAST_SOCKET_MODE },
    });
    const err = (await started.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(
      /Slack refused SLACK_APP_TOKEN at apps\.connections\.open \(invalid_auth\)/,
    );
    expect(err!.message).toMatch(/App-Level Tokens.*connections:write/);
    expect(err!.message).not.toContain(wrong);
    expect(slack.socketMode.connectionCount()).toBe(0);
  });
});
