// The whole bot for end-to-end tests: a fresh key prefix on the run's Redis, the local AWS
// endpoint, the local Slack, and the real bot (Bolt over HTTP, BullMQ workers) wired by URL.

import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { type BotOverrides, type RunningBot, startBot } from '../../src/app/start-bot.js';
import { type Env, loadEnv } from '../../src/config/env.js';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import {
  type AwsSandbox,
  startAwsSandbox,
  type TimeMode,
  type World,
} from '../../src/sandbox/aws/index.js';
import { scenarioNames } from '../../src/sandbox/scenario-names.js';
import {
  type LocalSlack,
  type LocalSlackOptions,
  startLocalSlack,
} from '../../src/sandbox/slack/index.js';

export interface Harness {
  aws: AwsSandbox;
  slack: LocalSlack;
  bot: RunningBot;
  prefix: string;
  eventsSecret: string;
  signingSecret: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  config: string;
  world: World | string;
  time?: TimeMode;
  slack?: Partial<LocalSlackOptions>;
  /** Subscribe the bot's /aws/events to the endpoint's events. Default true. */
  events?: boolean;
  /** The Redis the bot uses; default the run's (redisUrl, redisMode). */
  redis?: { url: string; mode: 'single' | 'cluster' };
  /**
   * How Slack reaches the bot: signed POSTs to /slack/events (default), or Socket Mode (the bot
   * gets SLACK_APP_TOKEN and dials the local Slack, with short ping timeouts).
   */
  transport?: 'http' | 'socket';
  overrides?: BotOverrides;
}

/** Socket Mode timings for tests: a reconnect after a refresh within about a second (the ack timeout is 3 s). */
export const FAST_SOCKET_MODE = { clientPingTimeout: 1_000, serverPingTimeout: 30_000 };

/** The bot's environment in tests: the local Slack and AWS endpoint by URL, a fresh Redis prefix. */
export function testBotEnv(p: {
  botToken: string;
  signingSecret: string;
  slackApiUrl: string;
  awsUrl: string;
  prefix: string;
  eventsSecret?: string;
  /** Set for Socket Mode: the app-level token the local Slack accepts. */
  appToken?: string;
  /** Default the run's Redis. */
  redisUrl?: string;
  /** REDIS_MODE; default the run's (cluster under vitest.cluster.config.ts). */
  redisMode?: 'single' | 'cluster';
}): Env {
  return loadEnv({
    SLACK_BOT_TOKEN: p.botToken,
    SLACK_SIGNING_SECRET: p.signingSecret,
    SLACK_API_URL: p.slackApiUrl,
    SLACK_TEAM_ID: 'T0SANDBOX',
    SLACK_APP_ID: 'A0ROLLBACK',
    REDIS_URL: p.redisUrl ?? inject('redisUrl'),
    REDIS_MODE: p.redisMode ?? (p.redisUrl ? 'single' : (inject('redisMode') ?? 'single')),
    REDIS_PREFIX: p.prefix,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: p.awsUrl,
    ROLLBACK_CONFIG: 'inline',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(p.eventsSecret ? { EVENTS_SHARED_SECRET: p.eventsSecret } : {}),
    ...(p.appToken ? { SLACK_APP_TOKEN: p.appToken } : {}),
  });
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const prefix = `{t-${ulid()}}`;
  const aws = await startAwsSandbox({
    world: opts.world,
    ...(opts.time ? { time: opts.time } : {}),
  });
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const eventsSecret = randomBytes(16).toString('hex');
  const socket = opts.transport === 'socket';
  const appToken = socket ? `xapp-1-test-${randomBytes(6).toString('hex')}` : undefined;
  const config = parseConfig(opts.config, 'test config', 'us-east-1');
  const slack = await startLocalSlack({
    botToken,
    signingSecret,
    awsControlUrl: aws.url,
    scenarios: await scenarioNames(opts.world, config),
    ...(appToken ? { transport: 'socket' as const, appToken } : {}),
    ...opts.slack,
  });
  const env = testBotEnv({
    botToken,
    signingSecret,
    slackApiUrl: slack.apiUrl,
    awsUrl: aws.url,
    prefix,
    eventsSecret,
    ...(appToken ? { appToken } : {}),
    ...(opts.redis ? { redisUrl: opts.redis.url, redisMode: opts.redis.mode } : {}),
  });
  const overrides = { ...(socket ? { socketMode: FAST_SOCKET_MODE } : {}), ...opts.overrides };
  const bot = await startBot({
    env,
    config,
    log: createLogger(env.LOG_LEVEL),
    host: '127.0.0.1',
    overrides,
  });
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  if (opts.events !== false) {
    aws.control.subscribe(`http://127.0.0.1:${bot.port}/aws/events`, {
      headers: { 'x-rollback-bot-secret': eventsSecret },
    });
  }
  return {
    aws,
    slack,
    bot,
    prefix,
    eventsSecret,
    signingSecret,
    async stop() {
      await bot.stop();
      await slack.close();
      await aws.close();
    },
  };
}

/**
 * Runs the local AWS endpoint's simulated time and looks again until `check` holds (for
 * outcomes no event announces), or fails naming `what` after `timeoutMs`.
 */
export async function runUntil<T>(
  aws: AwsSandbox,
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    aws.control.runUntilIdle();
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
