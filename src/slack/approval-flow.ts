// Approvals in the thread: posts the approval request (under the request's status message when
// there is one), records approvals atomically (each approver once, bound to the request's env,
// stage and target), refuses what the policy refuses (the requester, non-approvers, Slack unable
// to say who is in a group, expired / cancelled / superseded / changed requests), queues the
// rollback with the required count, rejects with a reason, and expires. Every act is audited.
import { type AwsClients, accountOf } from '../aws/aws-clients.js';
import { readAlarms } from '../aws/cloudwatch-adapter.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import { alarmStatesByName } from '../domain/alarms.js';
import {
  type ApprovalCheck,
  approvalStillValid,
  canApprove,
  tallyApprovals,
} from '../domain/guardrails/index.js';
import { type RollbackRequest, targetKey } from '../domain/rollback-request.js';
import type { ApprovalCase, ApprovalStore } from '../guardrails/approval-store.js';
import type { GuardrailsQueue, RetryLater } from '../guardrails/guardrails-jobs.js';
import { readInboundTransitions } from '../guardrails/inbound-transitions.js';
import type { Logger } from '../log.js';
import type { RollbackService } from '../services/rollback-service.js';
import type { AttemptAudit } from './attempt-audit.js';
import { type ApprovalRequestView, approvalRequestMessage } from './blocks/approval-request.js';
import { mention } from './blocks/format.js';
import { escapeMrkdwn, inertCode } from './blocks/inert-text.js';
import { type PrincipalResolver, PrincipalsUnavailableError } from './principals.js';
import type { SlackPoster, StatusMessages } from './status-messages.js';

export interface ApprovalFlowDeps {
  config: Config;
  service: RollbackService;
  cases: ApprovalStore;
  principals: PrincipalResolver;
  audit: AttemptAudit;
  aws: AwsClients;
  statusMessages: StatusMessages;
  queue: GuardrailsQueue;
  /** Needed where approval posts are rendered (the worker role). */
  poster?: SlackPoster;
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

/** How long a render waits for the status message to exist, so it can thread under it. */
const THREAD_WAIT_MS = 5_000;

export function createApprovalFlow(deps: ApprovalFlowDeps) {
  const { service, cases, audit } = deps;

  async function approverMembers(c: ApprovalCase): Promise<ReadonlySet<string> | 'unavailable'> {
    try {
      return await deps.principals.expand(c.approvers);
    } catch (err) {
      if (err instanceof PrincipalsUnavailableError) return 'unavailable';
      throw err;
    }
  }

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
    const members = await approverMembers(c);
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

  function outcome(r: RollbackRequest, approvedBy: string[]): string | undefined {
    const actor = /user:([UW][A-Z0-9]+)/.exec(r.decision ?? '')?.[1];
    switch (r.state) {
      case 'queued':
      case 'running':
      case 'succeeded':
      case 'failed': {
        const by = approvedBy.map((u) => `<@${u}>`).join(', ') || 'an approver';
        const then =
          r.state === 'succeeded'
            ? 'rolled back.'
            : r.state === 'failed'
              ? 'the rollback failed; the status message says why.'
              : 'the rollback is under way; the status message follows it.';
        return `Approved by ${by}; ${then}`;
      }
      case 'rejected':
        return `Rejected by ${actor ? `<@${actor}>` : 'an approver'}${r.lastError ? `: ${inertCode(r.lastError, 500)}` : ''}`;
      case 'expired':
        return 'Expired before it had enough approvals. Ask again if it is still needed.';
      case 'cancelled':
        return `Cancelled by ${actor ? `<@${actor}>` : 'the requester'}.`;
      default:
        return undefined;
    }
  }

  async function alarmsOf(env: EnvironmentConfig): Promise<ApprovalRequestView['alarms']> {
    if (env.alarms.length === 0) return [];
    try {
      const states = alarmStatesByName(await readAlarms(deps.aws, accountOf(env), env.alarms));
      return env.alarms.map((name) => ({ name, state: states[name] ?? 'UNKNOWN' }));
    } catch (err) {
      return { unavailable: (err as Error).message };
    }
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

    /** Worker: post or update the approval request. */
    async render(id: string, firstTriedAt: number): Promise<undefined | RetryLater> {
      const [r, c] = await Promise.all([service.get(id), cases.getCase(id)]);
      if (!r || !c || !deps.poster) return;
      const env = deps.config.environments[r.env];
      if (!env) return;
      const waited = deps.now() - firstTriedAt;
      // The policy decided before the service moved the request on: look again shortly.
      if (r.state === 'requested') return waited < 30_000 ? { retryInMs: 200 } : undefined;
      let post = await cases.getPost(id);
      if (!post?.ts) {
        if (r.state !== 'awaiting_approval' && !post) return; // never posted, and nothing to ask
        const ref = await deps.statusMessages.get(id);
        const threadTs = ref?.threadTs ?? ref?.ts;
        if (!threadTs && waited < THREAD_WAIT_MS) return { retryInMs: 250 };
        post = { channel: ref?.channel ?? env.channel, ...(threadTs ? { threadTs } : {}) };
      }
      const release = await cases.lockPost(id, 15_000);
      if (!release) return { retryInMs: 200 };
      try {
        const approvals = await cases.approvals(c);
        const approvedBy = tallyApprovals(approvals, c.required).approvers;
        const latest = (await service.get(id)) ?? r;
        const current = await cases.getPost(id);
        const outcomeText = outcome(latest, approvedBy);
        const msg = approvalRequestMessage({
          requestId: id,
          env: r.env,
          target: r.target,
          ...(c.requesterId ? { requesterId: c.requesterId } : {}),
          ...(r.requestedBy.kind === 'auto' ? { automaticReason: r.requestedBy.reason } : {}),
          ...(r.reason ? { reason: r.reason } : {}),
          rules: c.rules,
          required: c.required,
          approvers: c.approvers,
          approvedBy,
          expiresAt: new Date(c.expiresAt),
          timeZone: env.windows.timezone,
          warnings: c.warnings,
          ...(c.currentSummary ? { currentSummary: c.currentSummary } : {}),
          ...(c.targetSummary ? { targetSummary: c.targetSummary } : {}),
          alarms: await alarmsOf(env),
          state: latest.state,
          ...(outcomeText ? { outcome: outcomeText } : {}),
        });
        if (current?.ts) {
          await deps.poster.chat.update({
            channel: current.channel,
            ts: current.ts,
            text: msg.text,
            blocks: msg.blocks,
          });
        } else {
          const res = await deps.poster.chat.postMessage({
            channel: post.channel,
            text: msg.text,
            blocks: msg.blocks,
            ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
          });
          if (res.ts) await cases.setPost(id, { ...post, ts: res.ts });
        }
      } finally {
        await release();
      }
      return undefined;
    },
  };
}

export type ApprovalFlow = ReturnType<typeof createApprovalFlow>;
