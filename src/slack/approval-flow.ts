// Approvals in the thread: posts the approval request (under the request's status message when
// there is one), records approvals atomically (each approver once, bound to the request's env,
// stage and target), refuses what the policy refuses (the requester, non-approvers, Slack unable
// to say who is in a group, expired / cancelled / superseded / changed requests), queues the
// rollback with the required count, rejects with a reason, and expires. Every act is audited.
import { type AwsClients, accountOf } from '../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import {
  type ApprovalCheck,
  approvalStillValid,
  canApprove,
  tallyApprovals,
} from '../domain/guardrails/index.js';
import { type RollbackRequest, targetKey } from '../domain/rollback-request.js';
import { readInboundTransitions } from '../guardrails/inbound-transitions.js';
import type { GuardrailsQueue } from '../jobs/guardrails-queue.js';
import type { Logger } from '../log.js';
import { approverMembers, type PrincipalResolver } from '../services/principals.js';
import type { RollbackService } from '../services/rollback-service.js';
import type { ApprovalCase, ApprovalStore } from '../store/approval-store.js';
import type { AttemptAudit } from '../store/audit-stream.js';
import type { StatusMessages } from '../store/status-message-store.js';
import { createApprovalPost } from './approval-post.js';
import { mention } from './blocks/format.js';
import { escapeMrkdwn } from './blocks/inert-text.js';
import type { SlackPoster } from './poster.js';

export interface ApprovalFlowDeps {
  config: Config;
  service: RollbackService;
  cases: ApprovalStore;
  principals: PrincipalResolver;
  audit: AttemptAudit;
  aws: AwsClients;
  statusMessages: StatusMessages;
  queue: GuardrailsQueue;
  poster: SlackPoster;
  log: Logger;
  now: () => number;
}

/** Environments whose name starts with `prod` never allow self-approval, whatever the config says. */
export function forbidsSelfApproval(env: EnvironmentConfig): boolean {
  return /^prod(\b|-|$)/.test(env.name);
}

type Checked =
  | { ok: true; request: RollbackRequest; c: ApprovalCase; env: EnvironmentConfig }
  | { ok: false; code: string; message: string; env?: string };

export function createApprovalFlow(deps: ApprovalFlowDeps) {
  const { service, cases, audit } = deps;

  /** The request as it is now, against what the approval was given for. */
  async function stillValid(r: RollbackRequest, c: ApprovalCase, env: EnvironmentConfig) {
    const t = r.target;
    let liveCurrent: string | undefined;
    if (t.kind === 'stage') {
      const stages = await readInboundTransitions(deps.aws, accountOf(env), t.pipeline);
      liveCurrent = stages.get(t.stage)?.latestExecutionId;
    }
    const { recent } = await service.status(r.env);
    const newer = recent.find(
      (x) =>
        x.id !== r.id &&
        x.createdAt > r.createdAt &&
        targetKey(x.region, x.target) === targetKey(r.region, r.target) &&
        ['awaiting_approval', 'queued', 'running', 'succeeded'].includes(x.state),
    );
    return approvalStillValid({
      binding: c.binding,
      current:
        t.kind === 'stage'
          ? {
              env: r.env,
              stage: t.stage,
              targetExecutionId: t.targetExecutionId,
              ...(liveCurrent ? { currentExecutionId: liveCurrent } : {}),
              ...(newer ? { supersededBy: newer.id } : {}),
            }
          : {
              env: r.env,
              stage: `${t.application}/${t.deploymentGroup}`,
              targetExecutionId: t.targetDeploymentId ?? `stop:${t.currentDeploymentId ?? ''}`,
              ...(newer ? { supersededBy: newer.id } : {}),
            },
      expiresAt: new Date(c.expiresAt),
      state: r.state,
      now: new Date(deps.now()),
    });
  }

  async function refuse(
    user: string,
    id: string,
    env: string | undefined,
    code: string,
    message: string,
  ): Promise<Checked> {
    await audit.record({
      by: `user:${user}`,
      event: 'approval-refused',
      ...(env ? { env } : {}),
      request: id,
      detail: code,
    });
    return { ok: false, code, message, ...(env ? { env } : {}) };
  }

  async function check(id: string, user: string, act: 'approve' | 'reject'): Promise<Checked> {
    const [request, c] = await Promise.all([service.get(id), cases.getCase(id)]);
    if (!request || !c) {
      return refuse(
        user,
        id,
        request?.env,
        'not-pending',
        'This request is not waiting for approval.',
      );
    }
    const env = deps.config.environments[request.env];
    if (!env)
      return refuse(
        user,
        id,
        request.env,
        'not-pending',
        `${request.env} is no longer configured.`,
      );
    const members = await approverMembers(deps.principals, c.approvers);
    let who: ApprovalCheck;
    if (act === 'approve') {
      who = canApprove({
        approverId: user,
        requesterId: c.requesterId,
        allowSelfApproval: env.approval.allowSelfApproval,
        forbidSelfApproval: forbidsSelfApproval(env),
        approverMembers: members,
      });
    } else if (user === c.requesterId) {
      who = {
        ok: false,
        code: 'self-approval',
        message: 'You asked for this rollback; use *Cancel request* on its status message instead.',
      };
    } else {
      who = canApprove({
        approverId: user,
        requesterId: undefined,
        allowSelfApproval: false,
        approverMembers: members,
      });
    }
    if (!who.ok) {
      // Say who may instead (the case's approvers), as mentions.
      const instead =
        who.code === 'not-an-approver' || who.code === 'self-approval'
          ? ` Approvers: ${c.approvers.map(mention).join(', ') || 'none configured'}.`
          : '';
      return refuse(user, id, request.env, who.code, `${who.message}${instead}`);
    }
    const valid = await stillValid(request, c, env);
    if (!valid.ok) {
      if (valid.code === 'expired' && request.state === 'awaiting_approval') await expireNow(id);
      return refuse(user, id, request.env, valid.code, valid.message);
    }
    return { ok: true, request, c, env };
  }

  async function expireNow(id: string): Promise<void> {
    try {
      await service.expire(id);
    } catch {
      // Already moved on (approved, rejected, cancelled): nothing to expire.
    }
    await deps.queue.render(id, 0);
  }

  return {
    /** The policy asked for approval: post it, and expire it on time. */
    async opened(c: ApprovalCase): Promise<void> {
      await deps.queue.render(c.requestId, 200);
      await deps.queue.expireAt(c.requestId, c.expiresAt);
    },

    /** A request moved: refresh its approval post if it has one. */
    async changed(r: Pick<RollbackRequest, 'id' | 'state'>): Promise<void> {
      if (r.state === 'requested') return;
      if (await cases.getCase(r.id)) await deps.queue.render(r.id, 0);
    },

    async approve(id: string, user: string): Promise<string> {
      const checked = await check(id, user, 'approve');
      if (!checked.ok) return `:no_entry: ${checked.message}`;
      const { c, request } = checked;
      const rec = await cases.addApproval(c, user, deps.now());
      const tally = tallyApprovals(rec.approvals, c.required);
      if (!rec.recorded) {
        await audit.record({
          by: `user:${user}`,
          event: 'approval-duplicate',
          env: request.env,
          request: id,
          detail: `${tally.count} of ${tally.required}`,
        });
        return `You already approved this request (${tally.count} of ${tally.required}); it counts once.`;
      }
      await audit.record({
        by: `user:${user}`,
        event: 'approval-recorded',
        env: request.env,
        request: id,
        detail: `${tally.count} of ${tally.required}`,
      });
      if (!tally.satisfied) {
        await deps.queue.render(id, 0);
        return `:ballot_box_with_check: Approval recorded (${tally.count} of ${tally.required}). ${tally.missing === 1 ? 'One more approver is' : `${tally.missing} more approvers are`} needed.`;
      }
      if (!(await cases.claimDecision(id, user))) {
        return `:ballot_box_with_check: Approval recorded (${tally.count} of ${tally.required}); the rollback is already being queued.`;
      }
      try {
        await service.approve(id, `user:${user}`);
      } catch (err) {
        await cases.releaseDecision(id);
        await audit.record({
          by: `user:${user}`,
          event: 'approval-not-queued',
          env: request.env,
          request: id,
          detail: (err as Error).message,
        });
        throw err;
      }
      await audit.record({
        by: `user:${user}`,
        event: 'approval-granted',
        env: request.env,
        request: id,
        detail: `approved by ${tally.approvers.join(', ')}`,
      });
      await deps.queue.render(id, 0);
      return `:white_check_mark: Approved (${tally.count} of ${tally.required}). The rollback of ${escapeMrkdwn(request.env)} is queued; the status message follows it.`;
    },

    /** Before the Reject modal opens. */
    async mayReject(
      id: string,
      user: string,
    ): Promise<{ ok: true; env: string } | { ok: false; message: string }> {
      const checked = await check(id, user, 'reject');
      return checked.ok
        ? { ok: true, env: checked.request.env }
        : { ok: false, message: checked.message };
    },

    async reject(id: string, user: string, reason: string): Promise<string> {
      const checked = await check(id, user, 'reject');
      if (!checked.ok) return `:no_entry: ${checked.message}`;
      await service.reject(id, `user:${user}`, reason);
      await audit.record({
        by: `user:${user}`,
        event: 'approval-rejected',
        env: checked.request.env,
        request: id,
        detail: reason,
      });
      await deps.queue.render(id, 0);
      return `Rejected the rollback of ${escapeMrkdwn(checked.request.env)}.`;
    },

    /** Worker: at expiresAt, expire it if it is still waiting. */
    async expire(id: string): Promise<void> {
      const [r, c] = await Promise.all([service.get(id), cases.getCase(id)]);
      if (r?.state !== 'awaiting_approval' || !c) return;
      await expireNow(id);
    },

    /** Worker: post or update the approval request (approval-post.ts). */
    render: createApprovalPost(deps),
  };
}

export type ApprovalFlow = ReturnType<typeof createApprovalFlow>;
