// EventBridge API destination → /aws/events, through the real HTTP server and a real Redis.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startRedisServer } from '../../../scripts/lib/redis-server.mjs';
import { normaliseEvent } from '../../../src/events/normalise.js';
import { FIXTURE_NAMES, fixture } from '../../fixtures/aws-events.js';
import {
  direct,
  type Harness,
  type HarnessOptions,
  SECRET,
  startIntake,
} from './support/intake-harness.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function intake(o: Partial<HarnessOptions> = {}): Promise<Harness> {
  const h = await startIntake({ redisUrl: inject('redisUrl'), ...o });
  cleanups.push(() => h.close());
  return h;
}

function expectedEvent(raw: unknown) {
  const r = normaliseEvent(raw);
  if (r.kind !== 'event') throw new Error('fixture did not normalise');
  return r.event;
}

describe('direct EventBridge delivery', () => {
  it.each(FIXTURE_NAMES)(
    'enqueues %s as its domain event, job id from the event id',
    async (name) => {
      const h = await intake();
      const raw = fixture(name);
      const answer = await h.post(raw, direct());
      expect(answer).toEqual({
        status: 200,
        body: { ok: true, outcome: 'enqueued', message: 'event enqueued' },
      });
      const event = expectedEvent(raw);
      expect(await h.jobIds()).toEqual([`aws-${raw.id}`]);
      expect(await h.jobData(event.id)).toEqual(event);
      expect(await h.outcomeCount('enqueued')).toBe(1);
    },
  );

  it('refuses a call without a secret (401) or with a wrong one (403), enqueues nothing, logs no secret', async () => {
    const h = await intake();
    const wrong = 'wrong-secret-value-that-must-not-be-logged';
    expect(await h.post(fixture('codepipeline-stage-failed'))).toMatchObject({
      status: 401,
      body: { ok: false, outcome: 'missing_credentials' },
    });
    expect(await h.post(fixture('codepipeline-stage-failed'), direct(wrong))).toMatchObject({
      status: 403,
      body: { ok: false, outcome: 'wrong_secret' },
    });
    expect(await h.post(fixture('codepipeline-stage-failed'), direct(`${SECRET}x`))).toMatchObject({
      status: 403,
    });
    expect(await h.jobIds()).toEqual([]);
    const logText = h.logs.join('');
    expect(logText).toContain('"outcome":"wrong_secret"');
    expect(logText).not.toContain(wrong);
    expect(logText).not.toContain(SECRET);
  });

  it('refuses direct delivery when no shared secret is configured', async () => {
    const h = await intake({ sharedSecret: undefined });
    expect(await h.post(fixture('codepipeline-stage-failed'), direct())).toMatchObject({
      status: 403,
      body: { outcome: 'direct_delivery_disabled' },
    });
    expect(await h.jobIds()).toEqual([]);
  });

  it('enqueues the same event id once, and remembers it for at least 24 hours', async () => {
    const h = await intake();
    const raw = fixture('codepipeline-stage-failed');
    expect((await h.post(raw, direct())).body.outcome).toBe('enqueued');
    // A redelivery may differ in fields we ignore; the id decides.
    expect((await h.post({ ...raw, extra: 1 }, direct())).body).toMatchObject({
      ok: true,
      outcome: 'duplicate',
    });
    expect(await h.jobIds()).toEqual([`aws-${raw.id}`]);
    const ttl = await h.redis.pttl(`${h.prefix}:aws-events:seen:eb:${raw.id}`);
    expect(ttl).toBeGreaterThan(24 * 3600_000);
  });

  it('enqueues once when the same event arrives twice at the same moment', async () => {
    const h = await intake();
    const raw = fixture('codedeploy-deployment-failed');
    const answers = await Promise.all([h.post(raw, direct()), h.post(raw, direct())]);
    const outcomes = answers.map((a) => a.body.outcome).sort();
    expect(outcomes[0]).toBe('enqueued');
    // The loser hears "duplicate" (2xx) or, if the winner was mid-enqueue, "retry" (503).
    expect(['duplicate', 'in_progress']).toContain(outcomes[1]);
    expect(await h.jobIds()).toEqual([`aws-${raw.id}`]);
  });

  it('tells a delivery that meets another mid-enqueue to retry, logged as expected, not as an error', async () => {
    const h = await intake();
    const raw = fixture('codepipeline-stage-failed');
    await h.redis.set(`${h.prefix}:aws-events:seen:eb:${raw.id}`, 'pending:other', 'PX', 60_000);
    expect(await h.post(raw, direct())).toMatchObject({
      status: 503,
      body: { outcome: 'in_progress' },
    });
    const line = h.logs
      .flatMap((chunk) => chunk.split('\n'))
      .filter((l) => l.includes('"outcome":"in_progress"'))
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(line).toEqual([
      expect.objectContaining({ level: 'info', msg: 'AWS event being taken by another delivery' }),
    ]);
    expect(await h.jobIds()).toEqual([]);
  });

  it('acknowledges an unknown detail-type without enqueueing it, and counts it', async () => {
    const h = await intake();
    const raw = {
      ...fixture('codepipeline-stage-failed'),
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
    };
    expect(await h.post(raw, direct())).toMatchObject({
      status: 200,
      body: { outcome: 'ignored' },
    });
    expect(await h.jobIds()).toEqual([]);
    expect(await h.outcomeCount('ignored')).toBe(1);
  });

  it('refuses a body that is not an EventBridge event (400)', async () => {
    const h = await intake();
    expect(await h.post('{not json', direct())).toMatchObject({
      status: 400,
      body: { outcome: 'invalid_event' },
    });
    expect(await h.post({ hello: 'world' }, direct())).toMatchObject({ status: 400 });
    const missingStage = fixture('codepipeline-stage-failed');
    delete missingStage.detail.stage;
    expect(await h.post(missingStage, direct())).toMatchObject({ status: 400 });
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses a body over 256 KiB (413) and anything but POST (405)', async () => {
    const h = await intake();
    const big = { ...fixture('codepipeline-stage-failed'), padding: 'x'.repeat(256 * 1024) };
    expect(await h.post(big, direct())).toMatchObject({
      status: 413,
      body: { outcome: 'body_too_large' },
    });
    const get = await fetch(h.url, { headers: direct() });
    expect(get.status).toBe(405);
    expect(await h.jobIds()).toEqual([]);
  });

  it('accepts a body of exactly 256 KiB', async () => {
    const h = await intake();
    const raw = fixture('codepipeline-stage-failed');
    const text = JSON.stringify({ ...raw, padding: '' });
    const body = JSON.stringify({ ...raw, padding: 'x'.repeat(256 * 1024 - text.length) });
    expect(Buffer.byteLength(body)).toBe(256 * 1024);
    expect((await h.post(body, direct())).status).toBe(200);
  });

  it('answers 503 when the enqueue fails, releases the claim, and takes the retry', async () => {
    let failures = 1;
    const h = await intake({
      wrapEnqueue: (real) => async (e) => {
        if (failures-- > 0) throw new Error('Connection is closed.');
        return real(e);
      },
    });
    const raw = fixture('codepipeline-stage-failed');
    expect(await h.post(raw, direct())).toMatchObject({
      status: 503,
      body: { ok: false, outcome: 'store_unavailable' },
    });
    expect(await h.jobIds()).toEqual([]);
    expect(await h.post(raw, direct())).toMatchObject({
      status: 200,
      body: { outcome: 'enqueued' },
    });
    expect(await h.jobIds()).toEqual([`aws-${raw.id}`]);
  });

  it('answers 503 when the enqueue takes too long, then takes the retry', async () => {
    let hang = true;
    const h = await intake({
      enqueueTimeoutMs: 150,
      wrapEnqueue: (real) => (e) => (hang ? new Promise<void>(() => {}) : real(e)),
    });
    const raw = fixture('cloudwatch-alarm-raised');
    expect(await h.post(raw, direct())).toMatchObject({
      status: 503,
      body: { outcome: 'timeout' },
    });
    hang = false;
    expect(await h.post(raw, direct())).toMatchObject({
      status: 200,
      body: { outcome: 'enqueued' },
    });
    expect(await h.jobIds()).toEqual([`aws-${raw.id}`]);
  });

  it('answers within the answer budget even when nothing below it returns', async () => {
    const h = await intake({
      answerWithinMs: 200,
      enqueueTimeoutMs: 60_000,
      wrapEnqueue: () => () => new Promise<void>(() => {}),
    });
    const started = performance.now();
    expect(await h.post(fixture('cloudwatch-alarm-raised'), direct())).toMatchObject({
      status: 503,
      body: { outcome: 'timeout' },
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** The next `name` event, whatever 'error' events come before it. */
function nextEvent(emitter: { once(name: string, fn: () => void): unknown }, name: string) {
  return new Promise<void>((resolve) => {
    emitter.once(name, () => resolve());
  });
}

describe('direct delivery while Redis is down', () => {
  it('answers 503, and loses nothing when AWS retries after Redis is back', async () => {
    const server = await startRedisServer({ appendonly: true });
    cleanups.push(() => server.stop());
    const h = await intake({ redisUrl: server.url });
    const first = fixture('codepipeline-stage-succeeded');
    const second = fixture('codepipeline-stage-failed');
    expect((await h.post(first, direct())).body.outcome).toBe('enqueued');

    // Not events.once: it rejects on the 'error' events ioredis emits while Redis is away
    // (ECONNREFUSED on each reconnect attempt), which made this test fail now and then.
    const closed = nextEvent(h.redis, 'close');
    await server.stop({ keepDir: true });
    await closed;
    const down = await h.post(second, direct());
    expect(down).toMatchObject({ status: 503, body: { ok: false } });
    expect(['store_unavailable', 'timeout']).toContain(down.body.outcome);

    const ready = nextEvent(h.redis, 'ready');
    const again = await startRedisServer({ port: server.port, dir: server.dir, appendonly: true });
    cleanups.push(() => again.stop());
    await ready;
    expect(await h.post(second, direct())).toMatchObject({
      status: 200,
      body: { outcome: 'enqueued' },
    });
    expect(await h.post(first, direct())).toMatchObject({
      status: 200,
      body: { outcome: 'duplicate' },
    });
    expect(await h.jobIds()).toEqual([`aws-${first.id}`, `aws-${second.id}`].sort());
  });
});
