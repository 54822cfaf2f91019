// Group rollbacks (`/rollback <group>`): propose (group-proposal.ts), start (the requester's
// click: one decision for the whole group, the group message, and one approval when any member's
// policy asks), cancel, approve / reject (the approvals service, via group-approvals.ts), and the
// worker's steps through the members (group-steps.ts). Every act is audited. What the group says
// in Slack is rendered by the render job (src/slack/group-posts.ts); answers are data
// (group-outcomes.ts).
import type { AwsClients } from '../../aws/aws-clients.js';
import type { Config } from '../../config/config.js';
import { plainPhrase } from '../../domain/phrase.js';
import type { RequestState } from '../../domain/request-state.js';
import { tallyApprovals } from '../../domain/rollback-decision/index.js';
import type { RollbackRequest } from '../../domain/rollback-request.js';
import type { GroupQueue } from '../../jobs/group-queue.js';
import type { Logger } from '../../log.js';
import type { AttemptAudit } from '../../store/audit-stream.js';
import type { FreezeStore } from '../../store/freeze-store.js';
import type { GroupStore } from '../../store/group-store.js';
import type { StatusMessages } from '../../store/status-message-store.js';
import type { Approvals } from '../approvals.js';
import type { RollbackService } from '../rollback-service.js';
import { createGroupApprovals } from './group-approvals.js';
import { groupRecorder } from './group-audit.js';
import type { GroupStartOutcome } from './group-outcomes.js';
import { createGroupProposal } from './group-proposal.js';
import { createGroupSteps } from './group-steps.js';

export interface GroupRollbackDeps {
  config: Config;
  service: RollbackService;
  store: GroupStore;
  queue: GroupQueue;
  aws: AwsClients;
  freezes: FreezeStore;
  /** The approvals service (src/services/approvals.ts): the group's one approval uses it. */
  approvals: Approvals;
  audit: AttemptAudit;
  statusMessages: StatusMessages;
  scheduleStatus: (r: { id: string; state: RequestState }) => Promise<void>;
  log: Logger;
  now: () => number;
  /** How often a running member's request is looked at again. Default 500 ms. */
  pollMs?: number;
}

export function createGroupRollbacks(deps: GroupRollbackDeps) {
  const { store } = deps;
  const record = groupRecorder(deps.audit);
  const proposal = createGroupProposal({ ...deps, record });
  const approvals = createGroupApprovals({ ...deps, record });
  const steps = createGroupSteps({ ...deps, record, pollMs: deps.pollMs ?? 500 });

  return {
    store,
    propose: proposal.propose,

    /** The requester clicked "Roll back all N": decide once, post, and ask or start. */
    async start(id: string, user: string): Promise<GroupStartOutcome> {
      const g = await store.get(id);
      if (!g) return { kind: 'expired' };
      const p = g.plan;
      if (p.requesterId !== user) {
        await record(p, `user:${user}`, 'group-confirm-refused', { detail: 'not the requester' });
        return { kind: 'not-the-requester', requesterId: p.requesterId };
      }
      if (!(await store.moveGroup(id, ['proposed'], 'evaluating'))) {
        return { kind: 'already-started', groupId: id, state: g.state, channel: p.channel };
      }
      await record(p, `user:${user}`, 'group-confirmed');
      const decision = await proposal.decideGroup(p);
      const members = p.members.length;
      if (decision.kind === 'block') {
        await store.setDecision(id, { kind: 'blocked', reason: decision.reason, at: deps.now() });
        await store.moveGroup(id, ['evaluating'], 'refused');
        for (let i = 0; i < members; i++) await store.moveMember(id, i, ['pending'], 'not_started');
        await record(p, 'policy', 'group-blocked', { detail: plainPhrase(decision.reason) });
        await deps.queue.render(id);
        return { kind: 'blocked', group: p.group, reason: decision.reason };
      }
      if (decision.kind === 'needs-approval') {
        await store.setCase(id, decision.case);
        await store.moveGroup(id, ['evaluating'], 'awaiting_approval');
        await record(p, 'policy', 'group-awaiting-approval', {
          detail: decision.case.rules.join(', '),
        });
        await deps.queue.render(id);
        await deps.queue.expireAt(id, decision.case.expiresAt, deps.now());
        return { kind: 'awaiting-approval', group: p.group, members, channel: p.channel };
      }
      await store.moveGroup(id, ['evaluating'], 'running');
      await deps.queue.render(id);
      await deps.queue.step(id, 0, 0);
      return { kind: 'started', group: p.group, groupId: id, members, channel: p.channel };
    },

    /** The requester's Cancel on the review: the group is not started. */
    async cancel(id: string, user: string): Promise<void> {
      const g = await store.get(id);
      if (
        g &&
        g.plan.requesterId === user &&
        (await store.moveGroup(id, ['proposed'], 'cancelled'))
      ) {
        await record(g.plan, `user:${user}`, 'group-cancelled');
      }
    },

    approve: (id: string, user: string) => approvals.approve(id, user),
    /** A group's Reject asks no reason; the rejecter is recorded. */
    reject: (id: string, user: string) => approvals.reject(id, user),
    /** Worker: the approval's deadline. */
    expire: approvals.expire,

    /** The App Home: the recent groups waiting for an approval, newest first. */
    awaitingApproval: async () =>
      (await store.recent()).filter((g) => g.state === 'awaiting_approval'),
    /** The App Home: the group's approval, if `user` may give it now (nothing done or audited). */
    awaitingFrom: (id: string, user: string) => approvals.awaitingFrom(id, user),

    /** Worker: one step for member `i` (group-steps.ts). */
    step: steps.step,

    version: (id: string) => store.version(id),
  };
}

export type GroupRollbacks = ReturnType<typeof createGroupRollbacks>;

/**
 * For the guardrails' decide hook: true when `request` is a member of an approved group rollback,
 * being started now, to the target the approval was given for.
 */
export function approvedGroupMember(store: GroupStore) {
  return async (groupId: string, request: RollbackRequest): Promise<boolean> => {
    const g = await store.get(groupId);
    if (g?.state !== 'running' || !g.approval) return false;
    const i = g.plan.members.findIndex((m) => m.env === request.env);
    const m = g.plan.members[i];
    if (!m || g.members[i]?.state !== 'starting') return false;
    const tally = tallyApprovals(
      g.approvals.map((a) => ({ approverId: a.approverId, at: new Date(a.at) })),
      g.approval.required,
    );
    if (!tally.satisfied) return false;
    const t = request.target;
    const target = t.kind === 'stage' ? t.targetExecutionId : t.targetDeploymentId;
    return m.to === undefined || m.to === target;
  };
}
