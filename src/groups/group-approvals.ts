// The group's one approval: approve (each approver once, never the requester, an approver of
// every member whose policy asked, resolved through the principals port and failing closed),
// reject (no reason asked; the rejecter is recorded), and the deadline. Each act is audited;
// the answers are data (group-outcomes.ts).
import { type Approval, canApprove, tallyApprovals } from '../domain/guardrails/index.js';
import type { GroupQueue } from '../jobs/group-queue.js';
import { approverMembers, type PrincipalResolver } from '../services/principals.js';
import type { AttemptAudit } from '../store/audit-stream.js';
import type { GroupStore } from '../store/group-store.js';
import type { GroupRecorder } from './group-audit.js';
import type { GroupApproveOutcome, GroupRefusal, GroupRejectOutcome } from './group-outcomes.js';

export interface GroupApprovalDeps {
  store: GroupStore;
  queue: GroupQueue;
  principals: PrincipalResolver;
  audit: AttemptAudit;
  record: GroupRecorder;
  now: () => number;
}

/** Who may approve instead, after a refusal that is about the person. */
function refusal(code: string, message: string, set: readonly string[]): GroupRefusal {
  const aboutThePerson = code === 'not-an-approver' || code === 'self-approval';
  return { kind: 'refused', message, ...(aboutThePerson ? { approvers: set } : {}) };
}

export function createGroupApprovals(deps: GroupApprovalDeps) {
  const { store } = deps;

  async function refused(id: string, user: string, code: string, r: GroupRefusal) {
    await deps.audit.record({
      by: `user:${user}`,
      event: 'group-approval-refused',
      detail: `${id} ${code}`,
    });
    return r;
  }

  /** The approval's deadline: expire the group if it is still waiting. */
  async function expire(id: string): Promise<void> {
    const g = await store.get(id);
    if (!g?.approval || deps.now() < g.approval.expiresAt) return;
    if (!(await store.moveGroup(id, ['awaiting_approval'], 'expired'))) return;
    await store.setDecision(
      id,
      'Expired before it had enough approvals. Ask again if it is still needed.',
    );
    for (let i = 0; i < g.plan.members.length; i++)
      await store.moveMember(id, i, ['pending'], 'not_started');
    await deps.record(g.plan, 'policy', 'group-expired');
    await deps.queue.render(id);
  }

  async function approve(id: string, user: string): Promise<GroupApproveOutcome> {
    const g = await store.get(id);
    const notPending = (message: string) =>
      refused(id, user, 'not-pending', { kind: 'refused', message });
    if (!g?.approval) return notPending('This group rollback is not waiting for approval.');
    const c = g.approval;
    if (g.state !== 'awaiting_approval') {
      return notPending(
        `This group rollback is no longer waiting for approval (it is ${g.state.replace('_', ' ')}).`,
      );
    }
    if (deps.now() >= c.expiresAt) {
      await expire(id);
      return refused(id, user, 'expired', {
        kind: 'refused',
        message: 'This group rollback expired before it was approved; ask again.',
      });
    }
    for (const set of c.approverSets) {
      const who = canApprove({
        approverId: user,
        requesterId: g.plan.requesterId,
        allowSelfApproval: false,
        forbidSelfApproval: c.forbidSelfApproval,
        approverMembers: await approverMembers(deps.principals, set),
      });
      if (!who.ok) {
        const message = who.message.replace('this environment', 'every environment in this group');
        return refused(id, user, who.code, refusal(who.code, message, set));
      }
    }
    const { added, record: after } = await store.addApproval(id, user, deps.now());
    const approvals: Approval[] = after.approvals.map((a) => ({
      approverId: a.approverId,
      at: new Date(a.at),
    }));
    const tally = tallyApprovals(approvals, c.required);
    const counted = { count: tally.count, required: tally.required };
    if (!added) return { kind: 'duplicate', ...counted };
    await deps.record(g.plan, `user:${user}`, 'group-approval-recorded', {
      detail: `group ${g.plan.group} ${id}: ${tally.count} of ${tally.required}`,
    });
    if (!tally.satisfied) {
      await deps.queue.render(id);
      return { kind: 'recorded', ...counted };
    }
    if (!(await store.moveGroup(id, ['awaiting_approval'], 'running')))
      return { kind: 'already-starting', ...counted };
    await store.setDecision(id, `Approved by ${tally.approvers.map((u) => `<@${u}>`).join(', ')}.`);
    await deps.record(g.plan, `user:${user}`, 'group-approved', {
      detail: `group ${g.plan.group} ${id}: approved by ${tally.approvers.join(', ')}`,
    });
    await deps.queue.render(id);
    await deps.queue.step(id, 0, 0);
    return { kind: 'approved', ...counted, group: g.plan.group };
  }

  async function reject(id: string, user: string): Promise<GroupRejectOutcome> {
    const g = await store.get(id);
    if (!g?.approval || g.state !== 'awaiting_approval') return { kind: 'not-pending' };
    if (user === g.plan.requesterId) return { kind: 'requester' };
    for (const set of g.approval.approverSets) {
      const who = canApprove({
        approverId: user,
        requesterId: undefined,
        allowSelfApproval: false,
        approverMembers: await approverMembers(deps.principals, set),
      });
      if (!who.ok) return refused(id, user, who.code, refusal(who.code, who.message, set));
    }
    if (!(await store.moveGroup(id, ['awaiting_approval'], 'rejected')))
      return { kind: 'already-decided' };
    await store.setDecision(id, `Rejected by <@${user}>.`);
    for (let i = 0; i < g.plan.members.length; i++)
      await store.moveMember(id, i, ['pending'], 'not_started');
    await deps.record(g.plan, `user:${user}`, 'group-rejected');
    await deps.queue.render(id);
    return { kind: 'rejected', group: g.plan.group };
  }

  return { approve, reject, expire };
}
