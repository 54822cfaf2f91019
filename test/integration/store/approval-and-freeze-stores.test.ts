// The guardrails' Redis records against a real Redis: approvals count each approver once under
// concurrency and only for the binding they were given for; the decision is claimed once;
// freezes end on their own and unfreeze removes only the environments named.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApprovalCase, createApprovalStore } from '../../../src/store/approval-store.js';
import { createFreezeStore } from '../../../src/store/freeze-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

const caseFor = (requestId: string): ApprovalCase => ({
  requestId,
  env: 'prod-us',
  requesterId: 'U0ONCALL',
  rules: [{ rule: 'always', why: 'always' }],
  required: 2,
  approvers: ['S0APPROVERS'],
  expiresAt: Date.now() + 60_000,
  warnings: [],
  binding: { env: 'prod-us', stage: 'Deploy', targetExecutionId: 't1', currentExecutionId: 'c1' },
  createdAt: Date.now(),
});

describe('approval store', () => {
  it('counts each approver once, however many clicks arrive at once', async () => {
    const store = createApprovalStore(redis, `{t-${ulid()}}`);
    const c = caseFor('r1');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.addApproval(c, i % 2 ? 'U0MANAGER' : 'U0RELEASE', i),
      ),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(2);
    expect((await store.approvals(c)).map((a) => a.approverId).sort()).toEqual([
      'U0MANAGER',
      'U0RELEASE',
    ]);
  });

  it('ignores approvals given for another binding', async () => {
    const store = createApprovalStore(redis, `{t-${ulid()}}`);
    const c = caseFor('r2');
    await store.addApproval(c, 'U0MANAGER', 1);
    const moved = { ...c, binding: { ...c.binding, targetExecutionId: 't2' } };
    expect(await store.approvals(moved)).toEqual([]);
  });

  it('lets exactly one caller claim the decision', async () => {
    const store = createApprovalStore(redis, `{t-${ulid()}}`);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.claimDecision('r3', `U${i}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe('freeze store', () => {
  it('lists freezes in force, drops ended ones, and unfreezes only the named environments', async () => {
    const store = createFreezeStore(redis, `{t-${ulid()}}`);
    const now = 1_000_000;
    await store.add({
      envs: ['prod-us', 'prod-eu'],
      reason: 'x',
      by: 'U0RELEASE',
      from: now,
      until: now + 1000,
    });
    await store.add({
      envs: ['staging'],
      reason: 'y',
      by: 'U0RELEASE',
      from: now,
      until: now + 10,
    });
    expect((await store.list(now + 5)).map((f) => f.scope).sort()).toEqual([
      'prod-eu',
      'prod-us',
      'staging',
    ]);
    expect((await store.list(now + 10)).map((f) => f.scope).sort()).toEqual(['prod-eu', 'prod-us']);
    const removed = await store.remove(['prod-us'], now + 20);
    expect(removed.map((f) => f.scope)).toEqual(['prod-us']);
    expect((await store.list(now + 20)).map((f) => f.scope)).toEqual(['prod-eu']);
  });
});
