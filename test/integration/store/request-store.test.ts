import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RollbackTarget } from '../../../src/domain/rollback-request.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { createRequestStore, type RequestStore } from '../../../src/store/request-store.js';
import { keysEverywhere, testRedis } from '../../support/redis-cluster.js';

const target: RollbackTarget = {
  kind: 'stage',
  pipeline: 'web-app',
  stage: 'Deploy',
  currentExecutionId: 'cur-1',
  targetExecutionId: 'tgt-1',
  lockAfterRollback: false,
};

describe('request store (real Redis)', () => {
  let redis: RedisConnection;
  let store: RequestStore;
  let prefix: string;

  beforeEach(() => {
    redis = testRedis();
    prefix = `{t-${ulid()}}`;
    store = createRequestStore(redis, { prefix });
  });
  afterEach(async () => {
    const keys = await keysEverywhere(redis, `${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const newRequest = (by = 'U1') =>
    store.create(
      {
        env: 'prod',
        region: 'us-east-1',
        target,
        requestedBy: { kind: 'user', id: by },
        source: 'slash-command',
      },
      Date.now(),
    );

  it("keeps a step's facts (lists and objects) on the record, and a note on a finished request", async () => {
    const r = await newRequest();
    const t = Date.now();
    await store.change(r.id, ['requested'], 'queued', t, {
      by: 'user:U2',
      event: 'queued',
      fields: { queuedAt: t, approvedBy: ['U2', 'U3'] },
    });
    await store.change(r.id, ['queued'], 'running', t + 1, { by: 'worker', event: 'running' });
    await store.change(r.id, ['running'], undefined, t + 2, {
      by: 'worker',
      event: 'progress',
      fields: {
        awsAcceptedAt: t + 2,
        deployProgress: { unit: 'instances', done: 1, failed: 0, total: 2 },
      },
    });
    await store.change(r.id, ['running'], 'succeeded', t + 3, { by: 'worker', event: 'succeeded' });
    const watch = { since: t + 3, alarms: ['a'], outcome: 'recovered' as const, at: t + 4 };
    const noted = await store.change(r.id, ['running', 'succeeded'], undefined, t + 4, {
      by: 'policy',
      event: 'recovered',
      fields: { alarmWatch: watch },
    });
    expect(noted).toMatchObject({ ok: true, from: 'succeeded', request: { state: 'succeeded' } });
    expect(await store.get(r.id)).toMatchObject({
      approvedBy: ['U2', 'U3'],
      awsAcceptedAt: t + 2,
      deployProgress: { unit: 'instances', done: 1, failed: 0, total: 2 },
      alarmWatch: watch,
      updatedAt: t + 4,
    });
    // The follower of the audit stream sees the note as the request's state, and updates its status.
    const last = (await store.audit({ requestId: r.id })).at(-1);
    expect(last?.fields).toMatchObject({ event: 'recovered', from: 'succeeded', to: 'succeeded' });
  });

  it('moves a request once when two clicks race', async () => {
    const r = await newRequest();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        store.change(r.id, ['requested'], 'queued', Date.now(), { by: 'user:U1', event: 'queued' }),
      ),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect(results.filter((x) => !x.ok)).toEqual([
      { ok: false, reason: 'wrong-state', state: 'queued' },
      { ok: false, reason: 'wrong-state', state: 'queued' },
    ]);
    const audit = await store.audit({ requestId: r.id });
    expect(audit.map((e) => [e.fields.from, e.fields.to])).toEqual([
      ['', 'requested'],
      ['requested', 'queued'],
    ]);
  });

  it('holds one active request per target and blocks the second, naming the first', async () => {
    const first = await newRequest('U1');
    const second = await newRequest('U2');
    const a = await store.change(first.id, ['requested'], 'queued', 1, {
      by: 'user:U1',
      event: 'queued',
    });
    expect(a.ok).toBe(true);
    const b = await store.change(second.id, ['requested'], 'queued', 2, {
      by: 'user:U2',
      event: 'queued',
    });
    expect(b).toEqual({
      ok: false,
      reason: 'locked',
      state: 'requested',
      activeRequestId: first.id,
    });
    expect((await store.get(second.id))?.state).toBe('blocked');
    expect((await store.activeFor('stage/us-east-1/web-app/Deploy'))?.id).toBe(first.id);

    await store.change(first.id, ['queued'], 'running', 3, { by: 'worker', event: 'running' });
    await store.change(first.id, ['running'], 'succeeded', 4, {
      by: 'worker',
      event: 'succeeded',
      fields: { summary: 'done', endedAt: 4 },
      audit: { awsExecutionId: 'exec-9' },
    });
    expect(await store.activeFor('stage/us-east-1/web-app/Deploy')).toBeUndefined();
    const third = await newRequest('U3');
    expect(
      (await store.change(third.id, ['requested'], 'queued', 5, { by: 'x', event: 'queued' })).ok,
    ).toBe(true);

    const done = await store.get(first.id);
    expect(done).toMatchObject({ state: 'succeeded', summary: 'done', endedAt: 4 });
    const audit = await store.audit({ requestId: first.id });
    expect(audit.at(-1)?.fields).toMatchObject({
      by: 'worker',
      from: 'running',
      to: 'succeeded',
      awsExecutionId: 'exec-9',
      env: 'prod',
    });
    const blocked = await store.audit({ requestId: second.id });
    expect(blocked.at(-1)?.fields).toMatchObject({
      to: 'blocked',
      decision: 'duplicate',
      activeRequest: first.id,
    });
    expect((await store.listByEnv('prod', 10)).map((x) => x.id)).toEqual([
      third.id,
      second.id,
      first.id,
    ]);
  });

  it('cancels a queued request or starts it, never both, and unlocks the target on cancel', async () => {
    const tk = 'stage/us-east-1/web-app/Deploy';
    const r = await newRequest();
    await store.change(r.id, ['requested'], 'queued', 1, { by: 'policy', event: 'queued' });
    expect((await store.activeFor(tk))?.id).toBe(r.id);
    const [cancel, start] = await Promise.all([
      store.change(r.id, ['queued'], 'cancelled', 2, { by: 'user:U9', event: 'cancelled' }),
      store.change(r.id, ['queued'], 'running', 2, { by: 'worker', event: 'running' }),
    ]);
    expect([cancel.ok, start.ok].filter(Boolean)).toHaveLength(1);
    const after = await store.get(r.id);
    if (cancel.ok) {
      expect(after?.state).toBe('cancelled');
      expect(await store.activeFor(tk)).toBeUndefined();
      expect((await store.audit({ requestId: r.id })).at(-1)?.fields).toMatchObject({
        by: 'user:U9',
        from: 'queued',
        to: 'cancelled',
      });
    } else {
      expect(after?.state).toBe('running');
      expect((await store.activeFor(tk))?.id).toBe(r.id);
    }
    // A running request is never cancelled: the state machine has no such move.
    await expect(
      store.change(r.id, ['running'], 'cancelled', 5, { by: 'user:U9', event: 'cancelled' }),
    ).rejects.toThrow(/no transition from running to cancelled/);
  });

  it('counts retries and keeps big numbers exact', async () => {
    const r = await newRequest();
    await store.change(r.id, ['requested'], 'queued', 1_767_225_600_123, {
      by: 'x',
      event: 'queued',
      fields: { queuedAt: 1_767_225_600_123 },
    });
    await store.change(r.id, ['queued'], undefined, 2, {
      by: 'worker',
      event: 'retry',
      countRetry: true,
    });
    await store.change(r.id, ['queued'], undefined, 3, {
      by: 'worker',
      event: 'retry',
      countRetry: true,
    });
    expect(await store.get(r.id)).toMatchObject({
      retries: 2,
      queuedAt: 1_767_225_600_123,
      state: 'queued',
    });
  });
});
