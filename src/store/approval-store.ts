// What a single request's approval needs in Redis, keyed by request id: the policy's decision
// (the case), the approvals given (each approver once, atomically), the one-time claim that
// decides it (approve or reject: src/services/approvals-requests.ts), and where its approval card
// lives in Slack.
//
//   <prefix>:guard:case:<request id>       JSON ApprovalCase
//   <prefix>:guard:approvals:<request id>  hash: approver → JSON { at, binding } (lua/add-approval-1.lua)
//   <prefix>:guard:decided:<request id>    who claimed the decision (SET NX)
//   <prefix>:guard:post:<request id>       JSON ApprovalPost
//   <prefix>:guard:postlock:<request id>   the render lease (locks.ts)
//
// The records are kept 8 days; the render lease as long as it is asked for.
import type {
  Approval,
  ApprovalBinding,
  TriggeredRule,
} from '../domain/rollback-decision/index.js';
import { acquireLock, type Release } from './locks.js';
import type { RedisConnection } from './redis.js';
import { scriptsOf } from './scripts.js';

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

const TTL_MS = 8 * 86_400_000;

export function createApprovalStore(redis: RedisConnection, prefix: string) {
  const k = (what: string, id: string) => `${prefix}:guard:${what}:${id}`;
  const scripts = scriptsOf(redis);
  const parseApprovals = (hash: Record<string, string>, binding: ApprovalBinding): Approval[] => {
    const out: Approval[] = [];
    for (const [approverId, raw] of Object.entries(hash)) {
      const v = JSON.parse(raw) as { at: number; binding: ApprovalBinding };
      // An approval counts only for what it was given for.
      if (JSON.stringify(v.binding) !== JSON.stringify(binding)) continue;
      out.push({ approverId, at: new Date(v.at) });
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
      return parseApprovals(await redis.hgetall(k('approvals', c.requestId)), c.binding);
    },
    /** Each approver once (HSETNX), answered with every approval: a double click counts once. */
    async addApproval(c: ApprovalCase, approverId: string, at: number): Promise<RecordApproval> {
      const { added, hash } = await scripts.addApproval(k('approvals', c.requestId), [
        approverId,
        JSON.stringify({ at, binding: c.binding }),
        TTL_MS,
      ]);
      const approvals = parseApprovals(hash, c.binding);
      return added
        ? { recorded: true, approvals }
        : { recorded: false, reason: 'already-approved', approvals };
    },
    /** True for exactly one caller, approve or reject: the one that decides the request. */
    async claimDecision(id: string, by: string): Promise<boolean> {
      return (await redis.set(k('decided', id), by, 'PX', TTL_MS, 'NX')) === 'OK';
    },
    /** Gives the claim back when deciding failed (the request can be approved again). */
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
