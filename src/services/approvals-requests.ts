// A single request's approval, as the approvals service (approvals.ts) sees it: the case the
// policy stored (store/approval-store.ts), the request as the rollback service has it, and what
// is live in AWS, so that an approval counts only for what it was given for. The one claim that
// decides is the case's; approving queues the request, rejecting ends it. And the notices that
// keep its approval card in the thread true: posted when the policy asks, refreshed when the
// request moves, expired on time (the guardrails queue runs the render and the expiry).
import { type AwsClients, accountOf } from '../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import { SUPERSEDING_STATES } from '../domain/request-state.js';
import {
  approvalStillValid,
  environmentGone,
  notWaitingForApproval,
} from '../domain/rollback-decision/index.js';
import { type RollbackRequest, targetKey } from '../domain/rollback-request.js';
import type { GuardrailsQueue } from '../jobs/guardrails-queue.js';
import type { ApprovalCase, ApprovalStore } from '../store/approval-store.js';
import type { ApprovalSubject, Approvals, SubjectApprovals } from './approvals.js';
import type { RollbackService } from './rollback-service.js';

export interface RequestApprovalsDeps {
  approvals: Approvals;
  config: Config;
  service: Pick<RollbackService, 'get' | 'status' | 'approve' | 'reject' | 'expire'>;
  cases: ApprovalStore;
  aws: AwsClients;
  queue: GuardrailsQueue;
}

/** What a request's approval holds between the service's steps. */
interface HeldRequest {
  request: RollbackRequest;
  c: ApprovalCase;
}

/** Single requests' approvals: the approvals service bound to a request's case. */
export function createRequestApprovals(deps: RequestApprovalsDeps): SubjectApprovals {
  return deps.approvals.of(requestSubject(deps));
}

/**
 * What the policy and the request's transitions tell a request's approval. They need only the
 * queue and the cases, so the composition root builds them before the rollback service (whose
 * guardrails decide calls `opened`), and the approvals after it: no cycle.
 */
export function createApprovalNotices(deps: Pick<RequestApprovalsDeps, 'cases' | 'queue'>) {
  return {
    /** The policy asked for approval: post it, and expire it on time. */
    async opened(c: ApprovalCase): Promise<void> {
      await deps.queue.render(c.requestId, 200);
      await deps.queue.expireAt(c.requestId, c.expiresAt);
    },

    /** A request moved: refresh its approval card if it has one. */
    async changed(r: Pick<RollbackRequest, 'id' | 'state'>): Promise<void> {
      if (r.state === 'requested') return;
      if (await deps.cases.getCase(r.id)) await deps.queue.render(r.id, 0);
    },
  };
}

export type ApprovalNotices = ReturnType<typeof createApprovalNotices>;

const stageState = (aws: AwsClients, env: EnvironmentConfig, pipeline: string, stage: string) =>
  createCodePipelineAdapter(aws, accountOf(env)).getStageState(pipeline, stage);

function requestSubject(deps: RequestApprovalsDeps): ApprovalSubject<HeldRequest> {
  const { service, cases, queue } = deps;
  const show = (id: string) => queue.render(id, 0);

  /** The request as it is now (live in AWS, and newer requests), against what was approved. */
  async function stillValid({ request: r, c }: HeldRequest, now: number) {
    const env = deps.config.environments[r.env];
    if (!env) return environmentGone(r.env);
    const t = r.target;
    // The release in the stage now, as AWS says: a newer one makes the approval stale.
    const live =
      t.kind === 'stage'
        ? (await stageState(deps.aws, env, t.pipeline, t.stage)).latestExecutionId
        : undefined;
    const { recent } = await service.status(r.env);
    const newer = recent.find(
      (x) =>
        x.id !== r.id &&
        x.createdAt > r.createdAt &&
        targetKey(x.region, x.target) === targetKey(r.region, r.target) &&
        SUPERSEDING_STATES.includes(x.state),
    );
    const superseded = newer ? { supersededBy: newer.id } : {};
    return approvalStillValid({
      binding: c.binding,
      current:
        t.kind === 'stage'
          ? {
              env: r.env,
              stage: t.stage,
              targetExecutionId: t.targetExecutionId,
              ...(live ? { currentExecutionId: live } : {}),
              ...superseded,
            }
          : {
              env: r.env,
              stage: `${t.application}/${t.deploymentGroup}`,
              targetExecutionId: t.targetDeploymentId ?? `stop:${t.currentDeploymentId ?? ''}`,
              ...superseded,
            },
      expiresAt: new Date(c.expiresAt),
      state: r.state,
      now: new Date(now),
    });
  }

  return {
    events: {
      refused: 'approval-refused',
      duplicate: 'approval-duplicate',
      recorded: 'approval-recorded',
      'not-done': 'approval-not-queued',
      granted: 'approval-granted',
      rejected: 'approval-rejected',
    },
    async open(id) {
      const [request, c] = await Promise.all([service.get(id), cases.getCase(id)]);
      const audit = { request: id, ...(request ? { env: request.env } : {}) };
      if (!request || !c) return { ok: false, refusal: notWaitingForApproval('request'), audit };
      const env = deps.config.environments[request.env];
      return {
        ok: true,
        held: { request, c },
        approval: {
          name: request.env,
          of: 'request',
          requesterId: c.requesterId,
          envs: [request.env],
          // An environment no longer configured is refused by stillOpen.
          allowSelfApproval: env?.approval.allowSelfApproval ?? false,
          approverLists: [c.approvers],
          required: c.required,
          expiresAt: c.expiresAt,
          audit,
        },
      };
    },
    stillOpen: stillValid,
    async addApproval({ c }, approverId, at) {
      const rec = await cases.addApproval(c, approverId, at);
      return { added: rec.recorded, approvals: rec.approvals };
    },
    claim: ({ c }, act, by) => cases.claimDecision(c.requestId, `${act} ${by}`),
    unclaim: ({ c }) => cases.releaseDecision(c.requestId),
    counted: ({ c }) => show(c.requestId),
    async approved({ c }, by, tally) {
      await service.approve(c.requestId, `user:${by}`, tally.approvers);
      await show(c.requestId);
    },
    async rejected({ c }, by, reason) {
      await service.reject(c.requestId, `user:${by}`, reason);
      await show(c.requestId);
    },
    async expire({ request, c }) {
      if (request.state !== 'awaiting_approval') return;
      try {
        await service.expire(c.requestId);
      } catch {
        // Moved on meanwhile (approved, rejected, cancelled): nothing to expire.
      }
      await show(c.requestId);
    },
  };
}
