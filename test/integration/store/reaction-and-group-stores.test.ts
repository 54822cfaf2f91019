// The reactions' bake windows and the group record on a real Redis: a window is replaced only by
// a newer release and ends once; a group (or a member) moves once however many workers try, each
// approver counts once, and what was decided is kept as data.
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BakeWindow } from '../../../src/domain/reactions/bake-window.js';
import { createGroupStore } from '../../../src/store/group-store.js';
import { createReactionStore } from '../../../src/store/reaction-store.js';
import type { RedisConnection } from '../../../src/store/redis.js';
import { testRedis } from '../../support/redis-cluster.js';

let redis: RedisConnection;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());

const windowOf = (releaseId: string, startedAt: number): BakeWindow => ({
  env: 'prod-us',
  stage: 'Deploy',
  releaseId,
  sourceRevisions: [],
  startedAt,
  bakeMs: 60_000,
  state: 'open',
});

describe('bake windows', () => {
  it('opens once per release, is replaced by a newer one only, and ends once', async () => {
    const store = createReactionStore(redis, `{t-${ulid()}}`);
    expect(await store.openBakeWindow(windowOf('r1', 1_000))).toBe(true);
    expect(await store.openBakeWindow(windowOf('r1', 1_000))).toBe(false);
    // A late event about an older release leaves the window alone.
    expect(await store.openBakeWindow(windowOf('r0', 500))).toBe(false);
    expect(await store.openBakeWindow(windowOf('r2', 2_000))).toBe(true);
    expect((await store.bakeWindow('prod-us', 'Deploy'))?.releaseId).toBe('r2');

    expect(await store.closeBakeWindow('prod-us', 'Deploy', 'r1', 'tripped')).toBe(false);
    const ends = await Promise.all([
      store.closeBakeWindow('prod-us', 'Deploy', 'r2', 'tripped'),
      store.closeBakeWindow('prod-us', 'Deploy', 'r2', 'passed'),
    ]);
    expect(ends.filter(Boolean)).toHaveLength(1);
    expect((await store.bakeWindow('prod-us', 'Deploy'))?.state).toBe(
      ends[0] ? 'tripped' : 'passed',
    );
  });
});

describe('group store', () => {
  const plan = {
    group: 'prod',
    onMemberFailure: 'halt' as const,
    members: [
      { env: 'prod-us', current: 'a', target: 'b' },
      { env: 'prod-eu', current: 'a', target: 'b' },
    ],
    requesterId: 'U0ONCALL',
    channel: 'C1',
  };

  it('moves the group and each member once, whoever tries at the same time', async () => {
    const store = createGroupStore(redis, `{t-${ulid()}}`);
    const { id } = await store.create(plan, Date.now());
    const moves = await Promise.all(
      Array.from({ length: 5 }, () => store.moveGroup(id, ['proposed'], 'running')),
    );
    expect(moves.filter(Boolean)).toHaveLength(1);
    expect(await store.moveMember(id, 1, ['pending'], 'starting')).toBe(true);
    expect(await store.moveMember(id, 1, ['pending'], 'starting')).toBe(false);
    const record = await store.get(id);
    expect(record?.state).toBe('running');
    expect(record?.members.map((m) => m.state)).toEqual(['pending', 'starting']);
  });

  it('counts each approver once, in the order given', async () => {
    const store = createGroupStore(redis, `{t-${ulid()}}`);
    const { id } = await store.create(plan, Date.now());
    const before = await store.version(id);
    const clicks = await Promise.all([
      store.addApproval(id, 'U0MGR', 1),
      store.addApproval(id, 'U0MGR', 2),
      store.addApproval(id, 'U0LEAD', 3),
    ]);
    expect(clicks.filter((c) => c.added)).toHaveLength(2);
    const approvals = clicks.at(-1)!.record.approvals.map((a) => a.approverId);
    expect(approvals).toEqual(['U0MGR', 'U0LEAD']);
    expect(await store.version(id)).not.toBe(before);
  });

  it("keeps what was decided as data, and reads an older record's text as a plain note", async () => {
    const prefix = `{t-${ulid()}}`;
    const store = createGroupStore(redis, prefix);
    const { id } = await store.create(plan, Date.now());
    const before = await store.version(id);
    await store.setDecision(id, { kind: 'approved', by: ['U0MGR', 'U0LEAD'], at: 5 });
    expect((await store.get(id))?.decision).toEqual({
      kind: 'approved',
      by: ['U0MGR', 'U0LEAD'],
      at: 5,
    });
    expect(await store.version(id)).not.toBe(before);
    // Before decisions were data, the bot stored the words it showed.
    await redis.hset(`${prefix}:group:${id}`, 'decision', 'Approved by <@U0MGR>.');
    expect((await store.get(id))?.decision).toEqual({
      kind: 'note',
      text: 'Approved by <@U0MGR>.',
    });
  });
});
