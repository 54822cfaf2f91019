// Socket Mode when things go wrong: Slack unreachable for a while (the bot keeps trying, /readyz
// says Slack is down, and once Slack is back a command is answered once); the app-level token
// revoked while running (the real process logs one fatal line saying what Slack answered and
// what to do, stops cleanly and exits 1); and debug logging, which must not show response_urls,
// WebSocket tickets or tokens.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ulid } from 'ulid';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../scripts/lib/redis-server.mjs';
import { startBot } from '../../../src/app/start-bot.js';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import { startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { type LocalSlack, startLocalSlack, visibleText } from '../../../src/sandbox/slack/index.js';
import { VERIFICATION_TOKEN } from '../../../src/sandbox/slack/towards-bot.js';
import { spawnBot } from '../../support/bot-process.js';
import { FAST_SOCKET_MODE, type Harness, startHarness, testBotEnv } from '../../support/harness.js';
import { ONCALL, PROD, WORLD } from '../guardrails/guard-harness.js';

const configPath = new URL('../../../src/sandbox/sandbox.config.yml', import.meta.url).pathname;
const config = readFileSync(configPath, 'utf8');
const REVIEW = 'Review this rollback';

let h: Harness | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Ready {
  ready: boolean;
  checks: Record<string, string>;
}
async function readyz(port: number): Promise<{ status: number; body: Ready }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, body: (await res.json()) as Ready };
}

/** The local AWS endpoint and a local Slack in Socket Mode, with fresh tokens. */
async function localParts() {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const aws = await startAwsSandbox({ world: WORLD });
  cleanups.push(() => aws.close());
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const appToken = `xapp-1-test-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const slack = await startLocalSlack({ botToken, signingSecret, transport: 'socket', appToken });
  cleanups.push(() => slack.close());
  return { aws, slack, botToken, appToken, signingSecret };
}

/** What must never be in a log line: tokens, response URLs, WebSocket tickets. */
function secretsIn(text: string, slack: LocalSlack, tokens: string[]): string[] {
  const found: string[] = [];
  for (const t of [...tokens, VERIFICATION_TOKEN]) if (text.includes(t)) found.push(t);
  // The local Slack's response URLs are <base>/response/<id>; an escaped one too.
  const base = slack.apiUrl.replace(/\/api\/$/, '');
  for (const m of text.matchAll(/\/response\/[A-Za-z0-9_-]+/g)) found.push(m[0]);
  if (text.includes(`${base.replace(/\//g, '\\/')}\\/response`)) found.push('escaped response_url');
  for (const m of text.matchAll(/ticket=(?!\[redacted\])[^&\s"\\]+/g)) found.push(m[0]);
  return found;
}

describe('Socket Mode failures', () => {
  it('Slack unreachable for a while: /readyz says so, the bot reconnects, a command is answered once', async () => {
    h = await startHarness({
      config,
      world: WORLD,
      time: { mode: 'realtime', stageDurationMs: 30 },
      transport: 'socket',
      overrides: { socketMode: { ...FAST_SOCKET_MODE, readyGraceMs: 0 } },
    });
    const { slack, bot } = h;
    expect((await readyz(bot.port)).body.checks.slack).toBe('ok');

    slack.socketMode.outage(true);
    // Down, and still trying: the reason is the 503 of a failed reconnect, not just the drop.
    await expect
      .poll(async () => (await readyz(bot.port)).body.checks.slack, { timeout: 20_000 })
      .toMatch(
        /^down: Socket Mode disconnected for \d+ s \(apps\.connections\.open answered HTTP 503\)/,
      );
    expect((await readyz(bot.port)).status).toBe(503);
    expect(slack.socketMode.connectionCount()).toBe(0);

    slack.socketMode.outage(false);
    await expect.poll(async () => (await readyz(bot.port)).status, { timeout: 20_000 }).toBe(200);
    expect(slack.socketMode.connectionCount()).toBe(1);
    const cmd = await slack.client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
    expect(cmd.error).toBeUndefined();
    await cmd.waitForResponse(REVIEW, { timeoutMs: 10_000 });
    expect(slack.socketMode.deliveries().map((d) => d.outcome)).toEqual(['acked']);
    expect(cmd.responses.filter((m) => visibleText(m).includes(REVIEW))).toHaveLength(1);
  });

  it('the app-level token revoked while running: one fatal line saying what to do, clean stop, exit 1', async () => {
    const { aws, slack, botToken, appToken, signingSecret } = await localParts();
    const port = await freePort();
    const bot = spawnBot({
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_APP_TOKEN: appToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_TEAM_ID: 'T0SANDBOX',
      SLACK_APP_ID: 'A0ROLLBACK',
      REDIS_URL: inject('redisUrl'),
      REDIS_MODE: inject('redisMode') ?? 'single',
      REDIS_PREFIX: `{t-${ulid()}}`,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: aws.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ROLLBACK_CONFIG: configPath,
      PORT: String(port),
      LOG_LEVEL: 'debug',
    });
    cleanups.push(async () => {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    });
    await bot.waitForLog((l) => l.msg === 'rollback-bot is listening');
    expect((await readyz(port)).body.checks.slack).toBe('ok');

    slack.socketMode.revokeAppToken();
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    const lines = bot
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    const refused = lines.filter((l) => /token_revoked/.test(l.msg) && l.level !== 'debug');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.level).toBe('fatal');
    expect(refused[0]!.msg).toMatch(
      /Slack refused SLACK_APP_TOKEN at apps\.connections\.open \(token_revoked\) while reconnecting\. Set SLACK_APP_TOKEN to an app-level token .*App-Level Tokens, scope connections:write/,
    );
    expect(lines.some((l) => l.msg === 'stopped cleanly')).toBe(true);
    expect(lines.some((l) => /uncaught|unhandled/i.test(l.msg))).toBe(false);
    expect(bot.stderr()).toMatch(/rollback-bot: stopping: Socket Mode: Slack refused/);
    expect(secretsIn(bot.stdout() + bot.stderr(), slack, [appToken, botToken])).toEqual([]);
  });

  it('debug logging over Socket Mode shows no response_url, ticket or token', async () => {
    const { aws, slack, botToken, appToken, signingSecret } = await localParts();
    const out: string[] = [];
    const log = createLogger('debug', { write: (s: string) => void out.push(s) });
    const env = testBotEnv({
      botToken,
      signingSecret,
      slackApiUrl: slack.apiUrl,
      awsUrl: aws.url,
      prefix: `{t-${ulid()}}`,
      appToken,
    });
    const bot = await startBot({
      env,
      config: parseConfig(config, 'test config', 'us-east-1'),
      log,
      host: '127.0.0.1',
      overrides: { socketMode: FAST_SOCKET_MODE },
    });
    cleanups.push(() => bot.stop());
    // A refresh first: the reconnect asks for a new ticket URL.
    slack.socketMode.disconnect('refresh_requested');
    const cmd = await slack.client.command('/rollback', 'prod-us', { user: ONCALL, channel: PROD });
    await cmd.waitForResponse(REVIEW, { timeoutMs: 10_000 });
    const text = out.join('');
    const envelope = out
      .map((l) => (JSON.parse(l) as { msg: string }).msg)
      .find((m) => m.startsWith('Received a message on the WebSocket') && m.includes('slash_'));
    // The envelope was logged, and what a debug line is for is still there.
    expect(envelope).toContain(`"trigger_id":"${cmd.triggerId}"`);
    expect(envelope).toContain('"command":"/rollback","text":"prod-us"');
    expect(envelope).toContain('"response_url":"[redacted]"');
    // The ticket URL apps.connections.open answered was logged, without its ticket.
    expect(text).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=\[redacted\]/);
    expect(secretsIn(text, slack, [appToken, botToken, cmd.responseUrl])).toEqual([]);
  });
});
