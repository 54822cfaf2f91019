// The group's one approval, as the approvals service (src/services/approvals.ts) sees it: the
// case in the group record (an approver of every member whose policy asked; the requester never
// approves a group), each approver once in the record, and the claim that decides: the group's
// own state moving, compare-and-set (approved: it runs its members; rejected or expired: none
// starts). The service checks who may, answers typed outcomes and audits; this says how a group
// keeps and moves its approval.
import {
  groupApprovalStillOpen,
  notWaitingForApproval,
} from '../../domain/rollback-decision/index.js';
import type { GroupQueue } from '../../jobs/group-queue.js';
import type { GroupRecord, GroupStore } from '../../store/group-store.js';
import type { ApprovalSubject, Approvals, SubjectApprovals } from '../approvals.js';
import type { GroupRecorder } from './group-audit.js';

export interface GroupApprovalDeps {
  approvals: Approvals;
  store: GroupStore;
  queue: GroupQueue;
  record: GroupRecorder;
  now: () => number;
}

/** Approve, reject (no reason asked; the rejecter is recorded) and the deadline of a group. */
export function createGroupApprovals(deps: GroupApprovalDeps): SubjectApprovals {
  return deps.approvals.of(groupSubject(deps));
}

function groupSubject(deps: GroupApprovalDeps): ApprovalSubject<GroupRecord> {
  const { store, queue } = deps;

  /** No member starts: the group ended before them. */
  async function noneStarted(g: GroupRecord): Promise<void> {
    for (let i = 0; i < g.plan.members.length; i++)
      await store.moveMember(g.plan.id, i, ['pending'], 'not_started');
  }

  return {
    events: {
      refused: 'group-approval-refused',
      duplicate: 'group-approval-duplicate',
      recorded: 'group-approval-recorded',
      'not-done': 'group-approval-not-started',
      granted: 'group-approved',
      rejected: 'group-rejected',
    },
    async open(id) {
      const g = await store.get(id);
      if (!g?.approval) {
        return { ok: false, refusal: notWaitingForApproval('group'), audit: { detail: id } };
      }
      const c = g.approval;
      return {
        ok: true,
        held: g,
        approval: {
          name: g.plan.group,
          of: 'group',
          requesterId: g.plan.requesterId,
          envs: g.plan.members.map((m) => m.env),
          allowSelfApproval: !c.forbidSelfApproval,
          approverLists: c.approverSets,
          required: c.required,
          expiresAt: c.expiresAt,
          audit: { detail: `group ${g.plan.group} ${id}` },
        },
      };
    },
    stillOpen: async (g, now) =>
      groupApprovalStillOpen({
        state: g.state,
        expiresAt: new Date(g.approval?.expiresAt ?? 0),
        now: new Date(now),
      }),
    async addApproval(g, approverId, at) {
      const { added, record } = await store.addApproval(g.plan.id, approverId, at);
      const approvals = record.approvals.map((a) => ({
        approverId: a.approverId,
        at: new Date(a.at),
      }));
      return { added, approvals };
    },
    claim: (g, act) =>
      store.moveGroup(g.plan.id, ['awaiting_approval'], act === 'approve' ? 'running' : 'rejected'),
    counted: (g) => queue.render(g.plan.id),
    async approved(g, _by, tally) {
      const id = g.plan.id;
      await store.setDecision(id, { kind: 'approved', by: tally.approvers, at: deps.now() });
      await queue.render(id);
      await queue.step(id, 0, 0);
    },
    async rejected(g, by) {
      await store.setDecision(g.plan.id, { kind: 'rejected', by, at: deps.now() });
      await noneStarted(g);
      await queue.render(g.plan.id);
    },
    async expire(g) {
      const id = g.plan.id;
      if (!(await store.moveGroup(id, ['awaiting_approval'], 'expired'))) return;
      await store.setDecision(id, { kind: 'expired', at: deps.now() });
      await noneStarted(g);
      await deps.record(g.plan, 'policy', 'group-expired');
      await queue.render(id);
    },
  };
}
