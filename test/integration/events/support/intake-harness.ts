// Runs the /aws/events handler in the real HTTP server on 127.0.0.1:0 against a real Redis,
// with its own key prefix (so its own BullMQ queue and dedupe keys), and records every side
// effect a test may want to state: jobs, certificate fetches, confirmations, log lines.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Config } from '../../../../src/config/config.js';
import type { DomainEvent } from '../../../../src/events/domain-event.js';
import { createAwsEventsHandler } from '../../../../src/events/handler.js';
import { type RunningHttpServer, startHttpServer } from '../../../../src/http/server.js';
import { createEventQueue, type EventQueue } from '../../../../src/jobs/event-queue.js';
import { createLogger } from '../../../../src/log.js';
import { createMetrics, type Metrics } from '../../../../src/metrics.js';
import { createRedisDedupe } from '../../../../src/store/event-dedupe-store.js';
import { createRedis } from '../../../../src/store/redis.js';
import { waitForRedisReady } from '../../../../src/store/redis-wait.js';
import { TOPIC } from './sns-test-kit.js';

export const SECRET = 'test-shared-secret-5c1d0e9a7b';

export interface HarnessOptions {
  redisUrl: string;
  sharedSecret?: string | undefined;
  snsTopics?: string[];
  /** The certificate served for any URL the handler asks for; or a custom fetcher. */
  certPem?: string;
  fetchCertificate?: (url: URL) => Promise<string>;
  confirmSubscription?: (url: URL) => Promise<void>;
  /** Wraps the real enqueue, e.g. to fail or hang. */
  wrapEnqueue?: (real: (e: DomainEvent) => Promise<void>) => (e: DomainEvent) => Promise<void>;
  now?: () => number;
  answerWithinMs?: number;
  enqueueTimeoutMs?: number;
  /** The environments alarm actions are checked against; default none. */
  config?: Pick<Config, 'environments'>;
}

export interface Harness {
  url: string;
  redis: Redis;
  queue: EventQueue<DomainEvent>;
  metrics: Metrics;
  prefix: string;
  fetched: string[];
  confirmed: string[];
  logs: string[];
  post(body: string | object, headers?: Record<string, string>): Promise<Answer>;
  jobIds(): Promise<string[]>;
  jobData(id: string): Promise<DomainEvent | undefined>;
  outcomeCount(outcome: string): Promise<number>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  body: { ok: boolean; outcome: string; message: string };
}

export async function startIntake(o: HarnessOptions): Promise<Harness> {
  const prefix = `{evt-test-${randomUUID()}}`;
  const redis = createRedis(o.redisUrl, 'request');
  redis.on('error', () => {}); // expected while a test stops Redis
  await waitForRedisReady(redis, 10_000, 'test redis');
  const queue = createEventQueue<DomainEvent>({ connection: redis, prefix });
  const metrics = createMetrics();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('info', sink);
  const fetched: string[] = [];
  const confirmed: string[] = [];
  const handler = createAwsEventsHandler({
    log,
    metrics,
    sharedSecret: 'sharedSecret' in o ? o.sharedSecret : SECRET,
    snsTopics: o.snsTopics ?? [TOPIC],
    config: o.config ?? { environments: {} },
    enqueue: o.wrapEnqueue ? o.wrapEnqueue(queue.enqueue) : queue.enqueue,
    dedupe: createRedisDedupe(redis, { prefix }),
    fetchCertificate: async (url) => {
      fetched.push(url.href);
      if (o.fetchCertificate) return o.fetchCertificate(url);
      if (!o.certPem) throw new Error('no certificate in this test');
      return o.certPem;
    },
    confirmSubscription: async (url) => {
      confirmed.push(url.href);
      await o.confirmSubscription?.(url);
    },
    ...(o.now ? { now: o.now } : {}),
    ...(o.answerWithinMs ? { answerWithinMs: o.answerWithinMs } : {}),
    ...(o.enqueueTimeoutMs ? { enqueueTimeoutMs: o.enqueueTimeoutMs } : {}),
  });
  const http: RunningHttpServer = await startHttpServer(0, '127.0.0.1', {
    log,
    metrics,
    readiness: [],
    routes: { '/aws/events': handler },
  });
  const url = `http://127.0.0.1:${http.port}/aws/events`;
  return {
    url,
    redis,
    queue,
    metrics,
    prefix,
    fetched,
    confirmed,
    logs,
    async post(body, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Answer['body'] };
    },
    async jobIds() {
      const jobs = await queue.queue.getJobs([
        'waiting',
        'delayed',
        'active',
        'completed',
        'failed',
      ]);
      return jobs.map((j) => j.id!).sort();
    },
    async jobData(id) {
      return (await queue.queue.getJob(id))?.data;
    },
    async outcomeCount(outcome) {
      const m = await metrics.awsEvents.get();
      return m.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    },
    async close() {
      await http.close();
      if (redis.status === 'ready') {
        await queue.queue.obliterate({ force: true });
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      await queue.close();
      redis.disconnect();
    },
  };
}

/** Headers of an EventBridge API destination call. */
export const direct = (secret = SECRET) => ({ 'x-rollback-bot-secret': secret });
