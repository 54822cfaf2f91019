// What an approval flow needs in Redis, keyed by request id: the policy's decision (the case),
// the approvals given (each approver once, atomically), the one-time claim that queues the
// request, and where the approval post lives in Slack.
import type { Redis } from 'ioredis';
import type { Approval, ApprovalBinding, TriggeredRule } from '../domain/guardrails/index.js';
import { acquireLock, type Release } from '../store/locks.js';

export interface ApprovalCase {
  requestId: string;
  env: string;
  /** Undefined for automatic rollbacks. */
  requesterId?: string;
  rules: TriggeredRule[];
  required: number;
  /** User ids and user-group ids, as configured. */
  approvers: string[];
  expiresAt: number;
  warnings: string[];
  binding: ApprovalBinding;
  createdAt: number;
  currentSummary?: string;
  targetSummary?: string;
}

export interface ApprovalPost {
  channel: string;
  ts?: string;
  threadTs?: string;
}

export type RecordApproval =
  | { recorded: true; approvals: Approval[] }
  | { recorded: false; reason: 'already-approved'; approvals: Approval[] };

/** HSETNX then the whole hash: one round trip, atomic, so a double click counts once. */
const ADD_APPROVAL = `
local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {added, redis.call('HGETALL', KEYS[1])}
`;

const TTL_MS = 8 * 86_400_000;

export function createApprovalStore(redis: Redis, prefix: string) {
  const k = (what: string, id: string) => `${prefix}:guard:${what}:${id}`;
  const parseApprovals = (flat: string[], binding: ApprovalBinding): Approval[] => {
    const out: Approval[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const v = JSON.parse(flat[i + 1]!) as { at: number; binding: ApprovalBinding };
      // An approval counts only for what it was given for.
      if (JSON.stringify(v.binding) !== JSON.stringify(binding)) continue;
      out.push({ approverId: flat[i]!, at: new Date(v.at) });
    }
    return out;
  };
  return {
    async saveCase(c: ApprovalCase): Promise<void> {
      await redis.set(k('case', c.requestId), JSON.stringify(c), 'PX', TTL_MS);
    },
    async getCase(id: string): Promise<ApprovalCase | undefined> {
      const raw = await redis.get(k('case', id));
      return raw ? (JSON.parse(raw) as ApprovalCase) : undefined;
    },
    async approvals(c: ApprovalCase): Promise<Approval[]> {
      const raw = await redis.hgetall(k('approvals', c.requestId));
      return parseApprovals(Object.entries(raw).flat(), c.binding);
    },
    async addApproval(c: ApprovalCase, approverId: string, at: number): Promise<RecordApproval> {
      const [added, flat] = (await redis.eval(
        ADD_APPROVAL,
        1,
        k('approvals', c.requestId),
        approverId,
        JSON.stringify({ at, binding: c.binding }),
        String(TTL_MS),
      )) as [number, string[]];
      const approvals = parseApprovals(flat, c.binding);
      return added === 1
        ? { recorded: true, approvals }
        : { recorded: false, reason: 'already-approved', approvals };
    },
    /** True for exactly one caller: the one that queues the request. */
    async claimDecision(id: string, by: string): Promise<boolean> {
      return (await redis.set(k('decided', id), by, 'PX', TTL_MS, 'NX')) === 'OK';
    },
    async releaseDecision(id: string): Promise<void> {
      await redis.del(k('decided', id));
    },
    async getPost(id: string): Promise<ApprovalPost | undefined> {
      const raw = await redis.get(k('post', id));
      return raw ? (JSON.parse(raw) as ApprovalPost) : undefined;
    },
    async setPost(id: string, post: ApprovalPost): Promise<void> {
      await redis.set(k('post', id), JSON.stringify(post), 'PX', TTL_MS);
    },
    /** A short lease so two render jobs never post twice: the release, or undefined. */
    lockPost: (id: string, ms: number): Promise<Release | undefined> =>
      acquireLock(redis, k('postlock', id), ms),
  };
}

export type ApprovalStore = ReturnType<typeof createApprovalStore>;
