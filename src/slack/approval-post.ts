// The approval request in the thread (the render job of src/slack/approval-flow.ts): posted under
// the request's status message when there is one, then kept true to the end: who approved, and
// what came of it. One render at a time per request (a lock); a post Slack cannot take now is
// looked at again when it can (not a failed attempt).
import { type AwsClients, accountOf } from '../aws/aws-clients.js';
import { readAlarms } from '../aws/cloudwatch-adapter.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import { alarmStatesByName } from '../domain/alarms.js';
import { tallyApprovals } from '../domain/rollback-decision/index.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import { RetryLater } from '../jobs/processor.js';
import type { RollbackService } from '../services/rollback-service.js';
import type { ApprovalStore } from '../store/approval-store.js';
import type { StatusMessages } from '../store/status-message-store.js';
import { type ApprovalRequestView, approvalRequestMessage } from './blocks/approval-request.js';
import { inertCode } from './blocks/inert-text.js';
import type { SlackPoster } from './poster.js';

export interface ApprovalPostDeps {
  config: Config;
  service: RollbackService;
  cases: ApprovalStore;
  aws: AwsClients;
  statusMessages: StatusMessages;
  poster: SlackPoster;
  now: () => number;
}

/** How long a render waits for the status message to exist, so it can thread under it. */
const THREAD_WAIT_MS = 5_000;

/** How the request ended up, once it moved on from waiting for approval. */
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

/** Post or update the approval request; throws RetryLater when it must look again later. */
export function createApprovalPost(deps: ApprovalPostDeps) {
  const { service, cases } = deps;

  async function alarmsOf(env: EnvironmentConfig): Promise<ApprovalRequestView['alarms']> {
    if (env.alarms.length === 0) return [];
    try {
      const states = alarmStatesByName(await readAlarms(deps.aws, accountOf(env), env.alarms));
      return env.alarms.map((name) => ({ name, state: states[name] ?? 'UNKNOWN' }));
    } catch (err) {
      return { unavailable: (err as Error).message };
    }
  }

  return async function render(id: string, firstTriedAt: number): Promise<void> {
    const [r, c] = await Promise.all([service.get(id), cases.getCase(id)]);
    if (!r || !c) return;
    const env = deps.config.environments[r.env];
    if (!env) return;
    const waited = deps.now() - firstTriedAt;
    // The policy decided before the service moved the request on: look again shortly.
    if (r.state === 'requested') {
      if (waited < 30_000) throw new RetryLater(200, 'the request has not moved on yet');
      return;
    }
    let post = await cases.getPost(id);
    if (!post?.ts) {
      if (r.state !== 'awaiting_approval' && !post) return; // never posted, and nothing to ask
      const ref = await deps.statusMessages.get(id);
      const threadTs = ref?.threadTs ?? ref?.ts;
      if (!threadTs && waited < THREAD_WAIT_MS) {
        throw new RetryLater(250, 'waiting for the status message to thread under');
      }
      post = { channel: ref?.channel ?? env.channel, ...(threadTs ? { threadTs } : {}) };
    }
    const release = await cases.lockPost(id, 15_000);
    if (!release) throw new RetryLater(200, 'another job is rendering this approval post');
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
        ...(r.commits ? { commits: r.commits } : {}),
        alarms: await alarmsOf(env),
        state: latest.state,
        ...(outcomeText ? { outcome: outcomeText } : {}),
      });
      if (current?.ts) {
        await deps.poster.update({ channel: current.channel, ts: current.ts }, msg);
      } else {
        const ts = await deps.poster.post(
          {
            channel: post.channel,
            slot: `approval|${id}`,
            ...(post.threadTs ? { threadTs: post.threadTs } : {}),
          },
          msg,
        );
        await cases.setPost(id, { ...post, ts });
      }
    } finally {
      await release();
    }
  };
}
