// A group rollback in Redis (`<prefix>:group:<ulid>`, one hash): what was proposed (members in
// order, the policy, the requester), the group's state, each member's state and request id, the
// approvals given and where the Slack messages live. State changes are compare-and-set in Lua,
// so a double click or two workers move a group (or a member) once (lua/move-group-state-1.lua,
// lua/add-group-approval-1.lua). Kept 30 days. Fields:
//
//   plan                         JSON GroupPlan
//   state:group, state:<i>       the group's state, member i's state
//   request:<i>, detail:<i>      member i's request id; why it failed, or how its request ended
//   approval:<user id>           when that approver approved
//   case, decision               the approval case; what was decided (JSON, or an older text)
//   message, approvalPost        where the Slack messages live (JSON refs)
//   version                      bumped by every change of a state, member, approval or decision
//
// `<prefix>:groups` (ZSET id → createdAt) lists the most recent groups, for the App Home's
// "waiting for my approval".
import { ulid } from 'ulid';
import type { Phrase } from '../domain/phrase.js';
import type { RollbackTarget } from '../domain/rollback-request.js';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

export type GroupState =
  | 'proposed'
  | 'evaluating'
  | 'awaiting_approval'
  | 'running'
  | 'done'
  | 'refused'
  | 'rejected'
  | 'expired'
  | 'cancelled';

export type MemberState =
  | 'pending'
  | 'starting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'refused'
  | 'not_started';

export interface GroupMemberPlan {
  env: string;
  /** The stage, for a pipeline environment. */
  stage?: string;
  /** The target the approval is given for (execution or deployment id); absent for a stop. */
  to?: string;
  /**
   * The target the member's request is made for, with the choice's facts (older than previous,
   * bad here, unsafe releases crossed): the policy reads them as for a single rollback. Absent on
   * groups proposed before members carried it; their decision fails closed.
   */
  rollbackTarget?: RollbackTarget;
  /** Shown in the messages: what is deployed now and what it goes back to. */
  current: string;
  target: string;
}

export interface GroupPlan {
  id: string;
  group: string;
  onMemberFailure: 'halt' | 'continue';
  members: GroupMemberPlan[];
  requesterId: string;
  reason?: string;
  /** Where the group message is posted: the first member's channel. */
  channel: string;
  createdAt: number;
}

export interface MemberStatus {
  state: MemberState;
  requestId?: string;
  /** Why it failed or was refused, or the request's final state. */
  detail?: string;
}

export interface GroupApprovalCase {
  rules: string[];
  /** Per member that asked: `<env>: why`, as phrases (plain strings in older records). */
  why: Phrase[];
  required: number;
  /** Principals (user ids, user-group ids) that must each include an approver. */
  approverSets: string[][];
  expiresAt: number;
  forbidSelfApproval: boolean;
}

/**
 * What was decided about the group, as data (src/slack/blocks/group-messages.ts words it): the
 * policy blocked it, approvers approved or one rejected it, it expired, or it finished (halted
 * after a member that failed or was refused). A group recorded before decisions were data keeps
 * its text, shown as a plain note.
 */
export type GroupDecisionRecord =
  | { kind: 'blocked'; reason: Phrase; at: number }
  | { kind: 'approved'; by: string[]; at: number }
  | { kind: 'rejected'; by: string; at: number }
  | { kind: 'expired'; at: number }
  | { kind: 'finished'; at: number; haltedAfter?: { env: string; state: MemberState } }
  | { kind: 'note'; text: string };

const DECISION_KINDS: ReadonlySet<string> = new Set([
  'blocked',
  'approved',
  'rejected',
  'expired',
  'finished',
]);

/** The stored decision: JSON, or the text a group recorded before decisions were data. */
function decodeDecision(raw: string): GroupDecisionRecord {
  try {
    const d = JSON.parse(raw) as { kind?: unknown } | null;
    if (d && typeof d === 'object' && DECISION_KINDS.has(String(d.kind))) {
      return d as GroupDecisionRecord;
    }
  } catch {
    // Not JSON: the text form.
  }
  return { kind: 'note', text: raw };
}

export interface GroupRecord {
  plan: GroupPlan;
  state: GroupState;
  members: MemberStatus[];
  approval?: GroupApprovalCase;
  /** Approver id → when, in the order given. */
  approvals: Array<{ approverId: string; at: number }>;
  message?: { channel: string; ts: string };
  approvalPost?: { channel: string; ts: string };
  decision?: GroupDecisionRecord;
}

const TTL_MS = 30 * 86_400_000;
/** How many of the most recent groups `<prefix>:groups` lists. */
const RECENT_MAX = 100;

export function createGroupStore(redis: RedisConnection, prefix: string) {
  const key = (id: string) => `${prefix}:group:${id}`;
  const recentKey = `${prefix}:groups`;
  const scripts = scriptsOf(redis);
  const valid = (id: string) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id);

  function parse(flat: Record<string, string>): GroupRecord | undefined {
    if (!flat.plan) return undefined;
    const plan = JSON.parse(flat.plan) as GroupPlan;
    const approvals = Object.entries(flat)
      .filter(([k]) => k.startsWith('approval:'))
      .map(([k, v]) => ({ approverId: k.slice('approval:'.length), at: Number(v) }))
      .sort((a, b) => a.at - b.at);
    return {
      plan,
      state: (flat['state:group'] ?? 'proposed') as GroupState,
      members: plan.members.map((_, i) => ({
        state: (flat[`state:${i}`] ?? 'pending') as MemberState,
        ...(flat[`request:${i}`] ? { requestId: flat[`request:${i}`] } : {}),
        ...(flat[`detail:${i}`] ? { detail: flat[`detail:${i}`] } : {}),
      })),
      ...(flat.case ? { approval: JSON.parse(flat.case) as GroupApprovalCase } : {}),
      approvals,
      ...(flat.message ? { message: JSON.parse(flat.message) } : {}),
      ...(flat.approvalPost ? { approvalPost: JSON.parse(flat.approvalPost) } : {}),
      ...(flat.decision ? { decision: decodeDecision(flat.decision) } : {}),
    };
  }

  return {
    async create(plan: Omit<GroupPlan, 'id' | 'createdAt'>, now: number): Promise<GroupPlan> {
      const full: GroupPlan = { ...plan, id: ulid(now), createdAt: now };
      await redis
        .multi()
        .hset(
          key(full.id),
          'plan',
          JSON.stringify(full),
          'state:group',
          'proposed',
          ...full.members.flatMap((_, i) => [`state:${i}`, 'pending']),
        )
        .pexpire(key(full.id), TTL_MS)
        .zadd(recentKey, now, full.id)
        .zremrangebyrank(recentKey, 0, -(RECENT_MAX + 1))
        .pexpire(recentKey, TTL_MS)
        .exec();
      return full;
    },
    /** The most recent groups, newest first (those Redis still keeps). */
    async recent(limit = 20): Promise<GroupRecord[]> {
      const ids = await redis.zrevrange(recentKey, 0, Math.min(limit, RECENT_MAX) - 1);
      const records = await Promise.all(ids.map(async (id) => parse(await redis.hgetall(key(id)))));
      return records.filter((g): g is GroupRecord => g !== undefined);
    },
    async get(id: string): Promise<GroupRecord | undefined> {
      if (!valid(id)) return undefined;
      return parse(await redis.hgetall(key(id)));
    },
    /** The group moves from one of `from` to `to`, once. */
    moveGroup: (id: string, from: GroupState[], to: GroupState) =>
      scripts.moveGroupState(key(id), 'group', to, from),
    /** Member `i` moves from one of `from` to `to`, once. */
    moveMember: (id: string, i: number, from: MemberState[], to: MemberState) =>
      scripts.moveGroupState(key(id), String(i), to, from),
    async setMember(id: string, i: number, fields: { requestId?: string; detail?: string }) {
      const flat: string[] = [];
      if (fields.requestId) flat.push(`request:${i}`, fields.requestId);
      if (fields.detail) flat.push(`detail:${i}`, fields.detail.slice(0, 500));
      if (flat.length > 0)
        await redis
          .multi()
          .hset(key(id), ...flat)
          .hincrby(key(id), 'version', 1)
          .exec();
    },
    /** Changes whenever a state, a member's request or detail, or an approval does. */
    async version(id: string): Promise<string> {
      return (await redis.hget(key(id), 'version')) ?? '0';
    },
    async setCase(id: string, c: GroupApprovalCase): Promise<void> {
      await redis.hset(key(id), 'case', JSON.stringify(c));
    },
    async setDecision(
      id: string,
      decision: Exclude<GroupDecisionRecord, { kind: 'note' }>,
    ): Promise<void> {
      const stored =
        decision.kind === 'blocked'
          ? { ...decision, reason: decision.reason.slice(0, 500) }
          : decision;
      await redis
        .multi()
        .hset(key(id), 'decision', JSON.stringify(stored))
        .hincrby(key(id), 'version', 1)
        .exec();
    },
    async setMessage(id: string, field: 'message' | 'approvalPost', ref: object): Promise<void> {
      await redis.hset(key(id), field, JSON.stringify(ref));
    },
    /** Records `approverId` once; returns whether this call added it, and all approvals. */
    async addApproval(id: string, approverId: string, at: number) {
      const { added, hash } = await scripts.addGroupApproval(key(id), approverId, at);
      return { added, record: parse(hash)! };
    },
  };
}

export type GroupStore = ReturnType<typeof createGroupStore>;
