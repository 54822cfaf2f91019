// Closing a worker is bounded: a job still running when the worker closes is left, with a
// warning naming it, and is not lost: once its lock lapses, BullMQ's stalled-job check moves it
// back to waiting and the next worker runs it to its end.
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { ulid } from 'ulid';
import { afterEach, expect, it } from 'vitest';
import { startWorker } from '../../../src/jobs/worker.js';
import { createLogger } from '../../../src/log.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

const LOCK_MS = 500;

const opened: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of opened.reverse()) await close();
  opened.length = 0;
});

/** A pino logger writing into an array of parsed lines. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

function connection(): RedisConnection {
  const redis = testRedis();
  opened.push(() => void redis.disconnect());
  return redis;
}

it('leaves a job that outlives the close, names it, and the next worker runs it to its end', async () => {
  const prefix = `{t-${ulid()}}`;
  const name = `close-${ulid()}`;
  const { log, lines } = memoryLog();
  const queue = new Queue(name, { connection: connection(), prefix });
  opened.push(() => queue.close());

  // The first worker's processor never ends (a call stuck on a dead connection, say).
  let started!: () => void;
  const firstStarted = new Promise<void>((r) => {
    started = r;
  });
  const first = startWorker(
    'guardrails',
    () => {
      started();
      return new Promise<never>(() => undefined);
    },
    { connection: connection(), prefix, log },
    { name, closeTimeoutMs: 200, lockDurationMs: LOCK_MS, stalledIntervalMs: LOCK_MS },
  );
  const job = await queue.add('reconcile', { kind: 'reconcile', why: 'test' });
  await firstStarted;

  const t0 = Date.now();
  await first.close();
  expect(Date.now() - t0).toBeLessThan(5_000);
  const warning = lines.find((l) => String(l.msg).startsWith('worker did not close in time'));
  expect(warning).toMatchObject({
    queue: name,
    abandoned: [{ jobId: job.id, job: 'reconcile' }],
  });

  // The next worker (another replica, or this one started again) finishes it.
  let finish!: (data: unknown) => void;
  const finished = new Promise<unknown>((r) => {
    finish = r;
  });
  const second = startWorker(
    'guardrails',
    async (data) => {
      finish(data);
    },
    { connection: connection(), prefix, log },
    { name, lockDurationMs: LOCK_MS, stalledIntervalMs: LOCK_MS },
  );
  opened.push(() => second.close());
  expect(await finished).toEqual({ kind: 'reconcile', why: 'test' });
  await expect.poll(() => queue.getJobState(job.id!), { timeout: 10_000 }).toBe('completed');
});
