// An automatic rollback with a grace period (`autoRollbackGrace`), through the real bot: the
// announcement carries a Cancel button; a click within the grace cancels it (no RollbackStage, the
// target unlocked, audited); without a click it runs once after the grace; a click after it
// started is too late; a click from outside the environment is refused.
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import type { RollbackRequest } from '../../src/domain/rollback-request.js';
import { targetKey } from '../../src/domain/rollback-request.js';
import { executeJobId, QUEUES } from '../../src/jobs/queues.js';
import type { Message } from '../../src/sandbox/slack/state.js';
import type { RedisConnection } from '../../src/store/redis.js';
import { createRequestStore, type RequestStore } from '../../src/store/request-store.js';
import { type Harness, runUntil, startHarness } from '../support/harness.js';
import { reactionsWorld, SHA } from '../support/reactions-world.js';
import { testRedis } from '../support/redis-cluster.js';

const PROD = 'C0DEPLOYPROD';
const ONCALL = 'U0ONCALL';
const OUTSIDER = 'U0OUTSIDER';

const config = (grace: string) => `
environments:
  prod:
    channel: ${PROD}
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    alarms: [web-5xx]
    bake: 10m
    autoRollback: on-failure
    autoRollbackGrace: ${grace}
`;

let h: Harness | undefined;
let redis: RedisConnection | undefined;
let queue: Queue | undefined;
let store: RequestStore;
afterEach(async () => {
  await queue?.close();
  queue = undefined;
  redis?.disconnect();
  redis = undefined;
  await h?.stop();
  h = undefined;
});

async function start(grace: string) {
  h = await startHarness({ config: config(grace), world: reactionsWorld() });
  redis = testRedis();
  store = createRequestStore(redis, { prefix: h.prefix });
  queue = new Queue(QUEUES.rollback.name, {
    connection: redis,
    prefix: h.prefix,
  });
}

const rollbackStages = () => h!.aws.control.calls({ operation: 'RollbackStage' });

/** A deploy fails; resolves with the announcement (in the notification's thread) and its request. */
async function failingDeploy(): Promise<{ announcement: Message; request: RollbackRequest }> {
  h!.aws.control.startExecution('web-app', {
    revision: { id: SHA.bad, message: 'Break checkout', author: 'dev' },
    outcome: { failStage: 'Deploy' },
  });
  h!.aws.control.runUntilIdle();
  const announcement = await h!.slack.client.waitForMessage(PROD, 'Rolling back in', {
    timeoutMs: 15_000,
  });
  const [request] = await store.listByEnv('prod', 5);
  expect(request).toMatchObject({ source: 'auto-failure', requestedBy: { kind: 'auto' } });
  expect(JSON.stringify(announcement.blocks)).toContain(request!.id);
  return { announcement, request: request! };
}

/** The delayed execute job has run (or been run) to its end; resolves with what it returned. */
function executeJobDone(requestId: string, timeoutMs = 15_000): Promise<unknown> {
  return runUntil(
    h!.aws,
    'the execute job to finish',
    async () => {
      // State first, then the job: a job read before it completed keeps a null returnvalue even
      // once its state says completed (completion writes both at once, in one script).
      const id = executeJobId(requestId);
      if ((await queue!.getJobState(id)) !== 'completed') return undefined;
      const job = await queue!.getJob(id);
      return job ? { value: job.returnvalue } : undefined;
    },
    timeoutMs,
  ).then((r) => r.value);
}

describe('automatic rollback with a grace period', () => {
  it('a Cancel click within the grace cancels it: no RollbackStage, target unlocked, audited', async () => {
    await start('3s');
    const { announcement, request } = await failingDeploy();
    expect(request.state).toBe('queued');
    expect(request.runAfter! - request.queuedAt!).toBe(3000);
    expect(JSON.stringify(announcement.blocks)).toContain('rollback.cancel_automatic');

    await h!.slack.client.click(announcement, 'Cancel', { user: ONCALL });
    const cancelled = await runUntil(h!.aws, 'the request to be cancelled', async () => {
      const r = await store.get(request.id);
      return r?.state === 'cancelled' ? r : undefined;
    });
    expect(cancelled.decision).toBe(`cancelled by user:${ONCALL}`);
    expect(await store.activeFor(targetKey(request.region, request.target))).toBeUndefined();
    const audit = await store.audit({ requestId: request.id });
    expect(audit.map((e) => [e.fields.event, e.fields.to, e.fields.by])).toContainEqual([
      'cancelled',
      'cancelled',
      `user:${ONCALL}`,
    ]);
    // The live status says who cancelled; the announcement lost its button.
    await h!.slack.client.waitForMessage(
      PROD,
      (m) =>
        m.ts !== announcement.ts && JSON.stringify(m.blocks).includes(`Cancelled by <@${ONCALL}>`),
    );
    await h!.slack.client.waitForMessage(
      PROD,
      (m) =>
        m.ts === announcement.ts &&
        JSON.stringify(m.blocks).includes('Cancelled by') &&
        !JSON.stringify(m.blocks).includes('rollback.cancel_automatic'),
    );
    // When the grace ends, the worker finds it cancelled and does nothing.
    expect(await executeJobDone(request.id)).toBe('not runnable');
    expect(rollbackStages()).toHaveLength(0);
    expect((await store.get(request.id))?.state).toBe('cancelled');
  });

  it('without a click, rolls back exactly once after the grace', async () => {
    await start('300ms');
    const { request } = await failingDeploy();
    expect(request.runAfter! - request.queuedAt!).toBe(300);
    const done = await runUntil(h!.aws, 'the rollback to succeed', async () => {
      const r = await store.get(request.id);
      return r?.state === 'succeeded' ? r : undefined;
    });
    expect(done.startedAt!).toBeGreaterThanOrEqual(request.runAfter!);
    expect(rollbackStages()).toHaveLength(1);
  });

  it('a click after the rollback started is too late and changes nothing', async () => {
    await start('300ms');
    const { announcement, request } = await failingDeploy();
    await runUntil(h!.aws, 'RollbackStage to be called', () => rollbackStages().length === 1);
    await h!.slack.client.click(announcement, 'Cancel', { user: ONCALL });
    await h!.slack.client.waitForEphemeral(ONCALL, /Too late: the rollback is already running/);
    const r = await runUntil(h!.aws, 'the rollback to succeed', async () => {
      const x = await store.get(request.id);
      return x?.state === 'succeeded' ? x : undefined;
    });
    expect(r.decision).not.toMatch(/cancelled/);
    expect(rollbackStages()).toHaveLength(1);
  });

  it('refuses a click from someone who may not act on the environment', async () => {
    await start('3s');
    const { announcement, request } = await failingDeploy();
    // The same button clicked outside the environment's channel (a shared copy of the message),
    // by a user the config does not allow.
    await h!.slack.client.click({ ...announcement, channel: 'C0GENERAL' }, 'Cancel', {
      user: OUTSIDER,
    });
    await h!.slack.client.waitForEphemeral(OUTSIDER, /You cannot cancel this rollback/);
    expect((await store.get(request.id))?.state).toBe('queued');
    // The rollback goes ahead when the grace ends.
    expect(await executeJobDone(request.id)).not.toBe('not runnable');
    expect(rollbackStages()).toHaveLength(1);
  });
});
