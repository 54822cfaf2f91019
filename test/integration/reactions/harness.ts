// The whole reaction path over real transports: the local AWS endpoint emits EventBridge events
// to /aws/events (real HTTP, shared secret) → BullMQ `events` in a real Redis → the reaction
// workers → the rollback service and workers (real SDK → sandbox) → the local Slack over HTTP.
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../../../src/config/config.js';
import type { DomainEvent } from '../../../src/events/domain-event.js';
import { createAwsEventsHandler } from '../../../src/events/handler.js';
import { type RunningHttpServer, startHttpServer } from '../../../src/http/server.js';
import { createEventQueue, type EventQueue } from '../../../src/jobs/event-queue.js';
import { createReactionTimers } from '../../../src/jobs/reaction-timers.js';
import { type RollbackWorkers, startRollbackWorkers } from '../../../src/jobs/rollback-workers.js';
import { createStatusScheduler } from '../../../src/jobs/status-queue.js';
import { startWorker } from '../../../src/jobs/worker.js';
import { createLogger } from '../../../src/log.js';
import { createMetrics } from '../../../src/metrics.js';
import {
  createReactionProcessors,
  type ReactionProcessorsDeps,
} from '../../../src/reactions/reaction-processors.js';
import type { SubscribeOptions } from '../../../src/sandbox/aws/events/emitter.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { type LocalSlack, startLocalSlack } from '../../../src/sandbox/slack/index.js';
import {
  createRollbackService,
  type RollbackService,
} from '../../../src/services/rollback-service.js';
import { createSlackPoster } from '../../../src/slack/poster.js';
import { createReactionPoster } from '../../../src/slack/reaction-poster.js';
import { createStatusProcessor } from '../../../src/slack/status-messages.js';
import { createRedisDedupe } from '../../../src/store/event-dedupe-store.js';
import { createOfferStore } from '../../../src/store/offer-store.js';
import { createRedis } from '../../../src/store/redis.js';
import { waitForRedisReady } from '../../../src/store/redis-wait.js';
import { createRequestStore } from '../../../src/store/request-store.js';
import { createStatusMessages } from '../../../src/store/status-message-store.js';
import { ALARM, reactionsWorld } from './world.js';

const CREDENTIALS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };
const SECRET = 'reactions-test-secret-8d2f';
const BOT_TOKEN = 'xoxb-reactions-test';
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
    events: { snsTopics: [], poll: { enabled: false, intervalMs: 60_000 } },
  };
}

export interface ReactionsHarness {
  sandbox: AwsSandbox;
  slack: LocalSlack;
  service: RollbackService;
  events: EventQueue<DomainEvent>;
  prefix: string;
  logs: string[];
  /** Runs the sandbox's simulated time until `check` holds (rollbacks need time to move). */
  until<T>(
    what: string,
    check: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  subscribe?: Omit<SubscribeOptions, 'headers'>;
  bakeCheckDelayMs?: number;
  config?: Config;
  healthProbe?: ReactionProcessorsDeps['healthProbe'];
}

export async function startReactions(o: HarnessOptions = {}): Promise<ReactionsHarness> {
  const redisUrl = inject('redisUrl');
  const prefix = `{t-${ulid()}}`;
  const config = o.config ?? reactionsConfig();
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
  const request = createRedis(redisUrl, 'request');
  // A request connection fails commands fast while it connects (no offline queue): wait for it.
  await waitForRedisReady(request, 10_000, 'test redis');
  const worker = createRedis(redisUrl, 'worker');
  closers.push(() => worker.disconnect());
  closers.push(async () => {
    const keys = await request.keys(`${prefix}*`);
    if (keys.length > 0) await request.del(...keys);
    request.disconnect();
  });

  const sandbox = await startAwsSandbox({
    port: 0,
    world: reactionsWorld(),
    time: { mode: 'manual' },
  });
  closers.push(() => sandbox.close());
  const aws: AwsClients = createAwsClients({ endpoint: sandbox.url, credentials: CREDENTIALS });
  closers.push(() => aws.destroy());

  const slack = await startLocalSlack({
    botToken: BOT_TOKEN,
    signingSecret: 'unused',
    rateLimits: false,
  });
  closers.push(() => slack.close());
  const web = new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });

  const events = createEventQueue<DomainEvent>({ connection: request, prefix });
  closers.push(() => events.close());
  const http: RunningHttpServer = await startHttpServer(0, '127.0.0.1', {
    log,
    metrics: createMetrics(),
    readiness: [],
    routes: {
      '/aws/events': createAwsEventsHandler({
        log,
        sharedSecret: SECRET,
        snsTopics: [],
        enqueue: events.enqueue,
        dedupe: createRedisDedupe(request, { prefix }),
        fetchCertificate: async () => {
          throw new Error('no SNS in these tests');
        },
      }),
    },
  });
  closers.push(() => http.close());
  sandbox.control.subscribe(`http://127.0.0.1:${http.port}/aws/events`, {
    ...o.subscribe,
    headers: { 'x-rollback-bot-secret': SECRET },
  });

  const service = createRollbackService({
    config,
    connection: request,
    aws,
    queue: { prefix },
    store: { prefix },
  });
  closers.push(() => service.close());
  const rollbackWorkers: RollbackWorkers = await startRollbackWorkers({
    connection: worker,
    config,
    aws,
    queue: { prefix },
    store: { prefix },
    followDelayMs: 50,
    retry: { baseDelayMs: 20, maxDelayMs: 80, maxRetries: 5 },
    log,
  });
  closers.push(() => rollbackWorkers.close());
  const statusMessages = createStatusMessages(request, prefix);
  const statusScheduler = createStatusScheduler(request, prefix, 20);
  closers.push(() => statusScheduler.close());
  const store = createRequestStore(request, { prefix });
  const workerSetup = { connection: worker, prefix, log };
  const poster = createSlackPoster(web);
  const statusWorker = startWorker(
    'status',
    createStatusProcessor({
      connection: worker,
      poster,
      conversations: web,
      messages: statusMessages,
      load: (id) => store.get(id),
      log,
    }),
    workerSetup,
  );
  closers.push(() => statusWorker.close());
  const timers = createReactionTimers({ connection: request, prefix }, Date.now);
  closers.push(() => timers.close());
  const reactions = createReactionProcessors({
    connection: request,
    prefix,
    config,
    service,
    aws,
    slack: createReactionPoster(poster),
    offers: createOfferStore(request, prefix),
    statusMessages,
    statusScheduler,
    timers,
    log,
    bakeCheckDelayMs: o.bakeCheckDelayMs ?? 60_000,
    followEveryMs: 50,
    recoveryEveryMs: 100,
    recoveryLimitMs: 60_000,
    ...(o.healthProbe ? { healthProbe: o.healthProbe } : {}),
  });
  const eventsWorker = startWorker('events', reactions.event, workerSetup);
  closers.push(() => eventsWorker.close());
  const timersWorker = startWorker('timers', reactions.timer, workerSetup);
  closers.push(() => timersWorker.close());

  return {
    sandbox,
    slack,
    service,
    events,
    prefix,
    logs,
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
