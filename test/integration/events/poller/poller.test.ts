// The poller against the local AWS endpoint and a real Redis: AWS calls per tick stay within the
// cap (and are counted in the metric), a capped tick leaves the rest for later ticks, alarms cost
// one DescribeAlarms per 100 names per account, and a change is emitted once.
import { Writable } from 'node:stream';
import { ulid } from 'ulid';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAwsClients } from '../../../../src/aws/aws-clients.js';
import { parseConfig } from '../../../../src/config/load.js';
import type { DomainEvent } from '../../../../src/events/domain-event.js';
import type { PollSummary } from '../../../../src/events/poller/poll-once.js';
import { createPoller } from '../../../../src/events/poller/poller.js';
import { startPollSchedule } from '../../../../src/jobs/poll-schedule.js';
import { createLogger } from '../../../../src/log.js';
import { createMetrics } from '../../../../src/metrics.js';
import { startAwsSandbox } from '../../../../src/sandbox/aws/index.js';
import { createRedisDedupe } from '../../../../src/store/event-dedupe-store.js';
import { createRedis } from '../../../../src/store/redis.js';
import { waitForRedisReady } from '../../../../src/store/redis-wait.js';
import { reactionsWorld } from '../../../support/reactions-world.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const manyAlarms = Array.from({ length: 150 }, (_, i) => `load-${i}`);

function configYaml(): string {
  return `
events:
  poll: { enabled: true, interval: 1s }
environments:
  prod:
    channel: C0DEPLOYPROD
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    alarms: [web-5xx, ${manyAlarms.join(', ')}]
  native:
    channel: C0DEPLOYSTG
    region: us-east-1
    pipeline: native-app
    stages: { Deploy: {} }
    blockOnAlarms: [web-5xx]
  billing:
    channel: C0BILLING
    region: eu-west-1
    codedeploy: { application: billing-api, deploymentGroup: prod-eu }
    alarms: [billing-eu-5xx]
`;
}

async function startPolling(maxCallsPerTick: number) {
  const sandbox = await startAwsSandbox({ world: reactionsWorld(), time: { mode: 'manual' } });
  cleanups.push(() => sandbox.close());
  const aws = createAwsClients({
    endpoint: sandbox.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  cleanups.push(() => aws.destroy());
  const prefix = `{t-${ulid()}}`;
  const request = createRedis(inject('redisUrl'), 'request');
  // A request connection fails commands fast while it connects (no offline queue): wait for it.
  await waitForRedisReady(request, 10_000, 'test redis');
  const worker = createRedis(inject('redisUrl'), 'worker');
  cleanups.push(async () => {
    const keys = await request.keys(`${prefix}*`);
    if (keys.length > 0) await request.del(...keys);
    request.disconnect();
    worker.disconnect();
  });
  const metrics = createMetrics();
  const ticks: PollSummary[] = [];
  const emitted: DomainEvent[] = [];
  const waiters: Array<() => void> = [];
  const log = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const poller = createPoller({
    connection: request,
    prefix,
    config: parseConfig(configYaml(), 'poller test', 'us-east-1'),
    aws,
    dedupe: createRedisDedupe(request, { prefix }),
    enqueue: async (e) => void emitted.push(e),
    calls: metrics.pollerAwsCalls,
    log,
    intervalMs: 100,
    maxCallsPerTick,
    onTick(s) {
      ticks.push(s);
      for (const w of waiters.splice(0)) w();
    },
  });
  const polling = await startPollSchedule({
    connection: worker,
    requestConnection: request,
    prefix,
    log,
    everyMs: poller.everyMs,
    tick: poller.tick,
  });
  cleanups.push(() => polling.close());
  /** Resolves once `n` more ticks have run. */
  async function moreTicks(n: number) {
    const target = ticks.length + n;
    while (ticks.length < target) await new Promise<void>((r) => waiters.push(r));
  }
  return { sandbox, metrics, ticks, emitted, moreTicks };
}

describe('poller AWS call budget', () => {
  it('never makes more calls in a tick than the cap, and reaches every target over ticks', async () => {
    const p = await startPolling(2);
    await p.moreTicks(6);
    expect(p.ticks.every((t) => t.calls <= 2)).toBe(true);
    expect(p.ticks.some((t) => t.skipped > 0)).toBe(true);
    const ops = new Set(p.sandbox.control.calls().map((c) => c.operation));
    // Rotation: the capped ticks still reach pipelines, the group and both accounts' alarms.
    expect(ops).toEqual(new Set(['GetPipelineState', 'ListDeployments', 'DescribeAlarms']));
    const counted = await p.metrics.pollerAwsCalls.get();
    const total = counted.values.reduce((n, v) => n + v.value, 0);
    expect(total).toBe(p.sandbox.control.calls().length);
  });

  it('reads 151 us-east-1 alarms with two DescribeAlarms (≤ 100 names each) per tick', async () => {
    const p = await startPolling(100);
    await p.moreTicks(1);
    p.sandbox.control.clearCalls();
    await p.moreTicks(1);
    const describe = p.sandbox.control.calls({ operation: 'DescribeAlarms' });
    const east = describe.filter((c) => c.region === 'us-east-1');
    expect(east).toHaveLength(2);
    for (const c of east) {
      expect((c.input as { AlarmNames: string[] }).AlarmNames.length).toBeLessThanOrEqual(100);
    }
    expect(describe.filter((c) => c.region === 'eu-west-1')).toHaveLength(1);
    // One GetPipelineState per pipeline, no ListPipelineExecutions while nothing changed.
    expect(p.sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(2);
    expect(p.sandbox.control.calls({ operation: 'ListPipelineExecutions' })).toHaveLength(0);
  });

  it('emits an alarm change and a stage failure once, however many ticks see them', async () => {
    const p = await startPolling(100);
    await p.moreTicks(1);
    p.sandbox.control.setAlarmState('web-5xx', 'ALARM', 'Threshold crossed');
    p.sandbox.control.startExecution('web-app', {
      revision: { id: 'ddddddd444444444444444444444444444444444' },
      outcome: { failStage: 'Deploy' },
    });
    p.sandbox.control.runUntilIdle();
    await p.moreTicks(3);
    const types = p.emitted.map((e) => e.type);
    expect(types.filter((t) => t === 'AlarmRaised')).toHaveLength(1);
    expect(types.filter((t) => t === 'StageFailed')).toHaveLength(1);
    expect(types.filter((t) => t === 'StageStarted')).toHaveLength(1);
    const failed = p.emitted.find((e) => e.type === 'StageFailed');
    expect(failed).toMatchObject({ pipeline: 'web-app', stage: 'Deploy', attempt: 1 });
    expect(p.sandbox.control.calls({ operation: 'ListPipelineExecutions' })).toHaveLength(1);
  });
});
