// Redis crashes and comes back without its last writes (what AOF everysec allows): the status
// message posted in that window is found in Slack through its metadata and corrected, never
// posted a second time. A private redis-server with AOF, killed with SIGKILL and restarted from a
// snapshot taken after the request was queued and before its status message was posted; the
// real status worker and WebClient against the local Slack.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../scripts/lib/redis-server.mjs';
import type { RollbackRequest } from '../../../src/domain/rollback-request.js';
import { createStatusScheduler } from '../../../src/jobs/status-queue.js';
import { type RunningWorker, startWorker } from '../../../src/jobs/worker.js';
import { createLogger } from '../../../src/log.js';
import {
  type LocalSlack,
  type Message,
  startLocalSlack,
} from '../../../src/sandbox/slack/index.js';
import { createSlackPoster } from '../../../src/slack/poster.js';
import { createStatusProcessor } from '../../../src/slack/status-messages.js';
import { createRedis } from '../../../src/store/redis.js';
import { createRequestStore } from '../../../src/store/request-store.js';
import { createStatusMessages } from '../../../src/store/status-message-store.js';

const BOT_TOKEN = 'xoxb-status-loss-test';
const STAGING = 'C0DEPLOYSTG';

interface World {
  slack: LocalSlack;
  logs: Array<Record<string, unknown>>;
  /** Kills Redis (SIGKILL) and starts it again from the snapshot, on the same port. */
  crashToSnapshot(): Promise<void>;
  /** Snapshot of everything Redis holds now (SAVE, then a copy of the RDB file). */
  snapshot(): Promise<void>;
  create(): Promise<RollbackRequest>;
  move(id: string, from: RollbackRequest['state'], to: RollbackRequest['state']): Promise<void>;
  setRef(id: string, ref: { channel: string; threadTs?: string }): Promise<void>;
  schedule(r: Pick<RollbackRequest, 'id' | 'state'>): Promise<void>;
  worker: RunningWorker;
  close(): Promise<void>;
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function startWorld(): Promise<World> {
  let redis: RedisServerHandle = await startRedisServer({ appendonly: true });
  const firstDir = redis.dir;
  const snapshotDir = mkdtempSync(path.join(tmpdir(), 'rollback-redis-snapshot-'));
  const prefix = `{t-${ulid()}}`;
  const slack = await startLocalSlack({ botToken: BOT_TOKEN, signingSecret: 'shh' });
  const web = new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  // Connection errors while Redis is down are expected here; the process's health logs them.
  const quiet = (c: Redis) => c.on('error', () => undefined);
  const request = quiet(createRedis(redis.url, 'request'));
  const workerConnection = quiet(createRedis(redis.url, 'worker'));
  const admin = quiet(createRedis(redis.url, 'worker'));
  const store = createRequestStore(request, { prefix });
  const messages = createStatusMessages(request, prefix);
  const scheduler = createStatusScheduler(request, prefix, 20);
  scheduler.queue.on('error', () => undefined);
  const worker = startWorker(
    'status',
    createStatusProcessor({
      connection: workerConnection,
      poster: createSlackPoster(web),
      conversations: web,
      messages,
      load: (id) => store.get(id),
      log,
    }),
    { connection: workerConnection, prefix, log },
  );
  worker.on('error', () => undefined);
  await worker.waitUntilReady();

  return {
    slack,
    logs,
    worker,
    async snapshot() {
      expect(await admin.call('SAVE')).toBe('OK');
      copyFileSync(path.join(firstDir, 'dump.rdb'), path.join(snapshotDir, 'dump.rdb'));
    },
    async crashToSnapshot() {
      const { port } = redis;
      await redis.kill();
      // Loads the snapshot's RDB (with AOF on and no AOF file, Redis would start empty).
      redis = await startRedisServer({ appendonly: false, dir: snapshotDir, port });
      await Promise.all(
        [request, workerConnection, admin].map((c) =>
          c.status === 'ready' ? undefined : new Promise((r) => c.once('ready', r)),
        ),
      );
    },
    async create() {
      return store.create(
        {
          env: 'staging',
          region: 'us-east-1',
          target: {
            kind: 'stage',
            pipeline: 'web-app',
            stage: 'Deploy-Staging',
            currentExecutionId: 'a1b2c3d4-new-release',
            targetExecutionId: 'e5f6a7b8-old-release',
            lockAfterRollback: false,
          },
          requestedBy: { kind: 'user', id: 'U0ONCALL' },
          source: 'slash-command',
        },
        Date.now(),
      );
    },
    async move(id, from, to) {
      const out = await store.change(id, [from], to, Date.now(), { by: 'worker', event: to });
      expect(out.ok).toBe(true);
    },
    setRef: (id, ref) => messages.set(id, ref),
    schedule: (r) => scheduler.schedule(r),
    async close() {
      await worker.close().catch(() => undefined);
      await scheduler.close().catch(() => undefined);
      for (const c of [request, workerConnection, admin]) c.disconnect();
      await slack.close();
      await redis.stop();
      rmSync(firstDir, { recursive: true, force: true });
      rmSync(snapshotDir, { recursive: true, force: true });
    },
  };
}

/** Status messages of `requestId` in the channel and in `threadTs`'s thread. */
function statusMessagesOf(slack: LocalSlack, requestId: string, threadTs?: string): Message[] {
  const where = threadTs
    ? slack.client.thread(STAGING, threadTs).slice(1)
    : slack.client.messages(STAGING);
  return where.filter((m) => JSON.stringify(m.blocks).includes(requestId));
}

const readsOfHistory = (slack: LocalSlack) =>
  slack.state.calls.filter((c) => c.method.startsWith('conversations.')).length;

describe('status message after Redis lost its last writes', () => {
  it.each([
    { where: 'in the channel', thread: false },
    { where: 'in a failure notification’s thread', thread: true },
  ])('finds and corrects the message it posted $where', async ({ thread }) => {
    world = await startWorld();
    const w = world;
    const parent = thread
      ? (await new WebClient(BOT_TOKEN, { slackApiUrl: w.slack.apiUrl }).chat.postMessage({
          channel: STAGING,
          text: 'Deploy-Staging failed',
        }))!.ts
      : undefined;
    const created = await w.create();
    await w.move(created.id, 'requested', 'queued');
    await w.setRef(created.id, { channel: STAGING, ...(parent ? { threadTs: parent } : {}) });
    // Everything after this moment is lost in the crash: the status job, the post, its ts.
    await w.snapshot();

    const done = new Promise((resolve) => w.worker.once('completed', resolve));
    await w.schedule({ id: created.id, state: 'queued' });
    const first = await w.slack.client.waitForMessage(STAGING, (m) =>
      JSON.stringify(m.blocks).includes(created.id),
    );
    await done;
    expect(first.text).toMatch(/^Queued/);
    expect(first.metadata).toEqual({
      event_type: 'rollback_request_status',
      event_payload: { request_id: created.id },
    });
    // A first post in normal times reads nothing from Slack.
    expect(readsOfHistory(w.slack)).toBe(0);

    await w.crashToSnapshot();
    await w.move(created.id, 'queued', 'running');
    await w.move(created.id, 'running', 'succeeded');
    await w.schedule({ id: created.id, state: 'succeeded' });
    const final = await w.slack.client.waitForMessage(
      STAGING,
      (m) => JSON.stringify(m.blocks).includes(created.id) && /^Rolled back/.test(m.text),
      { timeoutMs: 10_000 },
    );

    // One status message, the first one, showing the final state: not a second one beside it.
    const shown = statusMessagesOf(w.slack, created.id, parent);
    expect(shown.map((m) => m.ts)).toEqual([first.ts]);
    expect(final.ts).toBe(first.ts);
    expect(final.text).toMatch(/^Rolled back: staging web-app \/ Deploy-Staging/);
    expect(readsOfHistory(w.slack)).toBe(1);
    expect(w.logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        requestId: created.id,
        ts: first.ts,
        msg: expect.stringMatching(/found in Slack/),
      }),
    );
  });

  it('posts anew, with a warning, when it may not read the channel', async () => {
    world = await startWorld();
    const w = world;
    w.slack.workspace.scopes = w.slack.workspace.scopes.filter((s) => s !== 'channels:history');
    const created = await w.create();
    await w.move(created.id, 'requested', 'queued');
    await w.setRef(created.id, { channel: STAGING });
    await w.snapshot();
    const done = new Promise((resolve) => w.worker.once('completed', resolve));
    await w.schedule({ id: created.id, state: 'queued' });
    const first = await w.slack.client.waitForMessage(STAGING, (m) =>
      JSON.stringify(m.blocks).includes(created.id),
    );
    await done;

    await w.crashToSnapshot();
    await w.move(created.id, 'queued', 'running');
    await w.move(created.id, 'running', 'failed');
    await w.schedule({ id: created.id, state: 'failed' });
    const second = await w.slack.client.waitForMessage(
      STAGING,
      (m) => m.ts !== first.ts && JSON.stringify(m.blocks).includes(created.id),
      { timeoutMs: 10_000 },
    );

    expect(second.text).toMatch(/^Rollback failed/);
    const warning = w.logs.find((l) => l.level === 'warn' && l.requestId === created.id);
    expect(warning).toMatchObject({
      channel: STAGING,
      err: { error: 'missing_scope' },
      msg: expect.stringMatching(/could not search Slack/),
    });
    expect(JSON.stringify(warning)).not.toContain(BOT_TOKEN);
  });
});
