// The whole reaction path over real transports, in the bot as production wires it (the same
// builders, src/app/, with the guardrails): the local AWS endpoint emits EventBridge events to
// /aws/events (real HTTP, shared secret) → BullMQ `events` in a real Redis → the reaction workers
// → the rollback service and workers (real SDK → sandbox) → the local Slack over HTTP.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { type BotOverrides, type RunningBot, startBot } from '../../../../src/app/start-bot.js';
import type { Config, EnvironmentConfig } from '../../../../src/config/config.js';
import type { DomainEvent } from '../../../../src/events/domain-event.js';
import type { EventQueue } from '../../../../src/jobs/event-queue.js';
import { createLogger } from '../../../../src/log.js';
import type { SubscribeOptions } from '../../../../src/sandbox/aws/events/emitter.js';
import { type AwsSandbox, startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { type LocalSlack, startLocalSlack } from '../../../../src/sandbox/slack/index.js';
import type { ReactionProcessorsDeps } from '../../../../src/services/reactions/reaction-processors.js';
import type { RollbackService } from '../../../../src/services/rollback-service.js';
import { testBotEnv } from '../../../support/harness.js';
import { ALARM, reactionsWorld } from '../../../support/reactions-world.js';

export const SECRET = 'reactions-test-secret-8d2f';
const BOT_TOKEN = 'xoxb-reactions-test';
const SIGNING_SECRET = 'reactions-signing-secret';
export const PROD_CHANNEL = 'C0DEPLOYPROD';
export const NATIVE_CHANNEL = 'C0DEPLOYSTG';

function env(name: string, channel: string, pipeline: string, extra: Partial<EnvironmentConfig>) {
  const e: EnvironmentConfig = {
    name,
    channel,
    region: 'us-east-1',
    target: { kind: 'stage', pipeline, stages: { Deploy: { lockAfterRollback: false } } },
    alarms: [ALARM],
    bakeMs: 10 * 60_000,
    autoRollback: 'on-failure-and-alarm',
    blockOnAlarms: [],
    suppressedAlarms: 'block',
    approval: {
      when: [],
      required: 1,
      approvers: ['S0APPROVERS'],
      expiresAfterMs: 60_000,
      allowSelfApproval: false,
      holdAutomatic: false,
    },
    windows: { timezone: 'UTC', allow: [], blackout: [], rollbacksDuringFreeze: 'allow' },
    permissions: { request: ['channel'], cancel: ['requester', 'approvers'] },
    feed: 'quiet',
    ...extra,
  };
  return e;
}

export function reactionsConfig(): Config {
  return {
    environments: {
      prod: env('prod', PROD_CHANNEL, 'web-app', {}),
      native: env('native', NATIVE_CHANNEL, 'native-app', { autoRollback: 'on-failure' }),
    },
    groups: {},
    access: { admins: [], freezers: [] },
    events: {
      snsTopics: [],
      poll: { enabled: false, intervalMs: 60_000 },
      startupLookBackMs: 3_600_000,
    },
  };
}

export interface ReactionsHarness {
  sandbox: AwsSandbox;
  slack: LocalSlack;
  service: RollbackService;
  events: EventQueue<DomainEvent>;
  prefix: string;
  logs: string[];
  /** The bot's /aws/events. */
  eventsUrl: string;
  /** The bot's /metrics, as Prometheus text. */
  metrics(): Promise<string>;
  /** Runs the sandbox's simulated time until `check` holds (rollbacks need time to move). */
  until<T>(
    what: string,
    check: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The bot's subscription to the sandbox's events; false: none (the test subscribes). */
  subscribe?: Omit<SubscribeOptions, 'headers'> | false;
  /** Overrides of the bot's parts (e.g. fetchSnsCertificate for SNS deliveries). */
  overrides?: BotOverrides;
  bakeCheckDelayMs?: number;
  config?: Config;
  healthProbe?: ReactionProcessorsDeps['healthProbe'];
}

export async function startReactions(o: HarnessOptions = {}): Promise<ReactionsHarness> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const redisUrl = inject('redisUrl');
  const prefix = `{t-${ulid()}}`;
  const logs: string[] = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const redis = new Redis(redisUrl);
  closers.push(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  const sandbox = await startAwsSandbox({
    port: 0,
    world: reactionsWorld(),
    time: { mode: 'manual' },
  });
  closers.push(() => sandbox.close());
  const slack = await startLocalSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    rateLimits: false,
  });
  closers.push(() => slack.close());

  const bot: RunningBot = await startBot({
    env: testBotEnv({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      slackApiUrl: slack.apiUrl,
      awsUrl: sandbox.url,
      prefix,
      eventsSecret: SECRET,
      redisUrl,
    }),
    config: o.config ?? reactionsConfig(),
    log,
    host: '127.0.0.1',
    overrides: {
      statusDelayMs: 20,
      rollbackWorkers: {
        followDelayMs: 50,
        retry: { baseDelayMs: 20, maxDelayMs: 80, maxRetries: 5 },
      },
      reactions: {
        bakeCheckDelayMs: o.bakeCheckDelayMs ?? 60_000,
        followEveryMs: 50,
        recoveryEveryMs: 100,
        recoveryLimitMs: 60_000,
        ...(o.healthProbe ? { healthProbe: o.healthProbe } : {}),
      },
      ...o.overrides,
    },
  });
  closers.push(() => bot.stop());
  slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  const eventsUrl = `http://127.0.0.1:${bot.port}/aws/events`;
  if (o.subscribe !== false) {
    sandbox.control.subscribe(eventsUrl, {
      ...o.subscribe,
      headers: { 'x-rollback-bot-secret': SECRET },
    });
  }

  return {
    sandbox,
    slack,
    service: bot.services.rollback,
    events: bot.services.queues.events,
    prefix,
    logs,
    eventsUrl,
    metrics: () => bot.metrics.registry.metrics(),
    async until(what, check, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        sandbox.control.runUntilIdle();
        const v = await check();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch {
          // keep closing the rest
        }
      }
    },
  };
}

/** All texts of a message (fallback text and every text in the blocks). */
export function textOf(m: { text?: string; blocks?: unknown[] }): string {
  return `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
}
