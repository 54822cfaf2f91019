// Group rollbacks (`/rollback <group>`): propose (preview every member; one refusal refuses the
// group), start (the requester's click: one decision for the whole group, the group message, and
// one approval post when any member's policy asks), approve / reject (each approver once, never
// the requester, approvers resolved through Slack, failing closed), and the worker's steps: each
// member in order becomes a rollback request with source `group:<id>`, followed until it ends,
// then `halt` stops the rest or `continue` goes on. Every step is audited.
import { type AwsClients, accountOf } from '../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import {
  type Approval,
  canApprove,
  decideRollback,
  evaluateWindows,
  type RollbackDecision,
  tallyApprovals,
} from '../domain/guardrails/index.js';
import { isTerminal, type RequestState } from '../domain/request-state.js';
import { failureExplanation, type RollbackRequest } from '../domain/rollback-request.js';
import type { FreezeStore } from '../guardrails/freeze-store.js';
import { readStageRollbackFacts, type StageRollbackFacts } from '../guardrails/rollback-facts.js';
import type { Logger } from '../log.js';
import type { Preview, RollbackService } from '../services/rollback-service.js';
import type { AttemptAudit } from '../slack/attempt-audit.js';
import { mention } from '../slack/blocks/format.js';
import {
  groupApprovalMessage,
  groupStatusMessage,
  groupSummary,
} from '../slack/blocks/group-messages.js';
import { type PrincipalResolver, PrincipalsUnavailableError } from '../slack/principals.js';
import type { SlackPoster, StatusMessages } from '../slack/status-messages.js';
import { combineMemberDecisions, type GroupDecision } from './group-decision.js';
import type { GroupQueue } from './group-queue.js';
import {
  type GroupMemberPlan,
  type GroupPlan,
  type GroupStore,
  groupSource,
  type MemberState,
} from './group-store.js';

export interface GroupRollbackDeps {
  config: Config;
  service: RollbackService;
  store: GroupStore;
  queue: GroupQueue;
  aws: AwsClients;
  freezes: FreezeStore;
  principals: PrincipalResolver;
  audit: AttemptAudit;
  statusMessages: StatusMessages;
  scheduleStatus: (r: { id: string; state: RequestState }) => Promise<void>;
  poster: SlackPoster;
  log: Logger;
  now: () => number;
  /** How often a running member's request is looked at again. Default 500 ms. */
  pollMs?: number;
}

export type Proposal =
  | { ok: true; plan: GroupPlan; decision: GroupDecision }
  | { ok: false; refusals: Array<{ env: string; message: string }> };

type OkPreview = Extract<Preview, { ok: true }>;

function describePreview(p: OkPreview): Pick<GroupMemberPlan, 'current' | 'target'> & {
  stage?: string;
  to?: string;
} {
  if (p.kind === 'stage') {
    const rev = (r: typeof p.current) =>
      `${(r.sourceRevisions[0]?.revisionId ?? '').slice(0, 7) || r.executionId.slice(0, 8)} (execution ${r.executionId.slice(0, 8)})`;
    return {
      stage: p.stage,
      to: p.target.executionId,
      current: `${p.pipeline} / ${p.stage}: ${rev(p.current)}`,
      target: rev(p.target),
    };
  }
  if (p.action === 'stop') {
    return {
      current: `${p.application} / ${p.deploymentGroup}: ${p.current?.deploymentId ?? '?'} in flight`,
      target: 'stop it and let CodeDeploy roll back',
    };
  }
  return {
    ...(p.target ? { to: p.target.deploymentId } : {}),
    current: `${p.application} / ${p.deploymentGroup}: ${p.current?.deploymentId ?? 'none'}`,
    target: `redeploy the revision of ${p.target?.deploymentId ?? '?'}`,
  };
}

/** Who may approve instead, as mentions, after a refusal that is about the person. */
function approversOf(code: string, set: readonly string[]): string {
  if (code !== 'not-an-approver' && code !== 'self-approval') return '';
  return ` Approvers: ${set.map(mention).join(', ') || 'none configured'}.`;
}

export function createGroupRollbacks(deps: GroupRollbackDeps) {
  const { store, service, audit } = deps;
  const pollMs = deps.pollMs ?? 500;

  const env = (name: string): EnvironmentConfig => {
    const e = deps.config.environments[name];
    if (!e) throw new Error(`${name} is no longer configured`);
    return e;
  };

  async function record(
    g: GroupPlan,
    by: string,
    event: string,
    extra: { env?: string; request?: string; detail?: string } = {},
  ) {
    await audit.record({ by, event, detail: `group ${g.group} ${g.id}`, ...extra });
  }

  /** Post or update the group message and, when there is one, the approval post. */
  async function render(id: string): Promise<void> {
    // Only the render job (one job id per group, so one at a time) posts: never twice.
    const g = await store.get(id);
    if (!g) return;
    const msg = groupStatusMessage(g);
    let ref = g.message;
    if (ref) {
      await deps.poster.chat.update({ ...ref, text: msg.text, blocks: msg.blocks });
    } else {
      const res = await deps.poster.chat.postMessage({
        channel: g.plan.channel,
        text: msg.text,
        blocks: msg.blocks,
      });
      if (!res.ts) throw new Error('Slack returned no ts for the group message');
      ref = { channel: g.plan.channel, ts: res.ts };
      await store.setMessage(id, 'message', ref);
    }
    if (!g.approval) return;
    const a = groupApprovalMessage(g, new Date(deps.now()));
    if (g.approvalPost) {
      await deps.poster.chat.update({ ...g.approvalPost, text: a.text, blocks: a.blocks });
    } else {
      const res = await deps.poster.chat.postMessage({
        channel: ref.channel,
        thread_ts: ref.ts,
        text: a.text,
        blocks: a.blocks,
      });
      if (res.ts) await store.setMessage(id, 'approvalPost', { channel: ref.channel, ts: res.ts });
    }
  }

  async function stageFacts(e: EnvironmentConfig, m: GroupMemberPlan): Promise<StageRollbackFacts> {
    if (!m.ids) return { targetIsOlderThanPrevious: false, unsafeCrossed: [] };
    try {
      return await readStageRollbackFacts(
        deps.aws,
        accountOf(e),
        m.ids.pipeline,
        m.stage ?? '',
        m.ids,
      );
    } catch (err) {
      // Fail closed, as for a single rollback: a person has to look.
      return {
        targetIsOlderThanPrevious: true,
        unsafeCrossed: [
          {
            executionId: m.ids.currentExecutionId,
            reasons: [
              `the releases between could not be read (${(err as Error).message.slice(0, 200)})`,
            ],
          },
        ],
      };
    }
  }

  /** Each member's policy, asked as for a group rollback by the requester. */
  async function decideGroup(g: GroupPlan) {
    const at = new Date(deps.now());
    const freezes = await deps.freezes.list(at.getTime());
    const decisions: Array<{ env: string; decision: RollbackDecision }> = [];
    for (const m of g.members) {
      const e = env(m.env);
      const facts = await stageFacts(e, m);
      decisions.push({
        env: m.env,
        decision: decideRollback({
          env: e,
          request: {
            requestedBy: { kind: 'user', id: g.requesterId },
            isGroupRollback: true,
            targetIsOlderThanPrevious: facts.targetIsOlderThanPrevious,
            unsafeCrossed: facts.unsafeCrossed,
          },
          now: at,
          freezeState: {
            freezes,
            blackout: evaluateWindows(e.windows, at).activeBlackout,
            freezers: deps.config.access.freezers,
          },
        }),
      });
    }
    return combineMemberDecisions(decisions);
  }

  async function approverMembers(set: string[]): Promise<ReadonlySet<string> | 'unavailable'> {
    try {
      return await deps.principals.expand(set);
    } catch (err) {
      if (err instanceof PrincipalsUnavailableError) return 'unavailable';
      throw err;
    }
  }

  /** Member `i` ended as `state`: the next step, or the end of the group. */
  async function afterMember(g: GroupPlan, i: number, state: MemberState): Promise<void> {
    const failed = state === 'failed' || state === 'refused';
    if (failed && g.onMemberFailure === 'halt') {
      for (let j = i + 1; j < g.members.length; j++) {
        await store.moveMember(g.id, j, ['pending'], 'not_started');
      }
      return finish(g, `halted after ${g.members[i]!.env} ${state}`);
    }
    if (i + 1 >= g.members.length) return finish(g);
    await deps.queue.step(g.id, i + 1, 0);
  }

  async function finish(g: GroupPlan, why?: string): Promise<void> {
    if (!(await store.moveGroup(g.id, ['running'], 'done'))) return;
    const rec = (await store.get(g.id))!;
    const summary = `${groupSummary(rec)}${why ? ` (${why})` : ''}`;
    await store.setDecision(g.id, `Finished: ${summary}.`);
    await record(g, 'policy', 'group-finished', { detail: `group ${g.group} ${g.id}: ${summary}` });
    await deps.queue.render(g.id);
  }

  async function startMember(g: GroupPlan, i: number): Promise<void> {
    const m = g.members[i]!;
    const e = env(m.env);
    let request: RollbackRequest | undefined;
    // A retried step may find the request it made before it crashed: adopt it, never make two.
    const { recent } = await service.status(m.env);
    request = recent.find((r) => r.source === groupSource(g.id));
    if (!request) {
      let out: Awaited<ReturnType<RollbackService['request']>>;
      try {
        out = await service.request({
          env: m.env,
          ...(m.stage ? { stage: m.stage } : {}),
          ...(m.to ? { to: m.to } : {}),
          requestedBy: { kind: 'user', id: g.requesterId },
          ...(g.reason ? { reason: g.reason } : {}),
          source: groupSource(g.id),
        });
      } catch (err) {
        // Reported as this member's refusal, not retried silently: the group moves on per policy.
        out = { outcome: 'refused', code: 'AWS_ERROR' as never, message: (err as Error).message };
      }
      if (out.outcome !== 'created') {
        const detail =
          out.outcome === 'refused'
            ? out.message
            : `another rollback of this target is ${out.active.state} (request ${out.active.requestId})`;
        await store.setMember(g.id, i, { detail });
        await store.moveMember(g.id, i, ['starting'], 'refused');
        await record(g, 'policy', 'group-member-refused', { env: m.env, detail });
        await deps.queue.render(g.id);
        return afterMember(g, i, 'refused');
      }
      request = out.request;
    }
    await store.setMember(g.id, i, { requestId: request.id });
    await store.moveMember(g.id, i, ['starting'], 'running');
    const rec = await store.get(g.id);
    await deps.statusMessages.set(request.id, {
      channel: e.channel,
      ...(rec?.message && rec.message.channel === e.channel ? { threadTs: rec.message.ts } : {}),
    });
    await deps.scheduleStatus(request);
    await record(g, 'policy', 'group-member-started', {
      env: m.env,
      request: request.id,
      detail: `group ${g.group} ${g.id}: ${request.state}`,
    });
    await deps.queue.render(g.id);
    await deps.queue.step(g.id, i, 1, pollMs);
  }

  async function followMember(g: GroupPlan, i: number, requestId: string, check: number) {
    const r = await service.get(requestId);
    if (r && !isTerminal(r.state)) {
      // Slower once it has run a while (an approval wait, a long deployment).
      await deps.queue.step(g.id, i, check + 1, check < 120 ? pollMs : 10 * pollMs);
      return;
    }
    const ok = r?.state === 'succeeded';
    const state: MemberState = ok ? 'succeeded' : 'failed';
    if (!ok) {
      const why = r
        ? r.state === 'failed'
          ? `failed: ${failureExplanation(r)}`
          : `${r.state}${r.lastError ? `: ${r.lastError}` : ''}`
        : 'the request is gone';
      await store.setMember(g.id, i, { detail: why });
    }
    if (!(await store.moveMember(g.id, i, ['running'], state))) return;
    await record(g, 'policy', `group-member-${state}`, {
      env: g.members[i]!.env,
      request: requestId,
    });
    await deps.queue.render(g.id);
    await afterMember(g, i, state);
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
    await record(g.plan, 'policy', 'group-expired');
    await deps.queue.render(id);
  }

  return {
    store,
    /** Preview every member; any member that cannot be rolled back refuses the whole group. */
    async propose(input: {
      group: string;
      requesterId: string;
      reason?: string;
    }): Promise<Proposal> {
      const group = deps.config.groups[input.group];
      if (!group) return { ok: false, refusals: [{ env: input.group, message: 'no such group' }] };
      const previews = await Promise.all(
        group.members.map(async (name) => {
          try {
            return { name, p: await service.preview(name) };
          } catch (err) {
            return {
              name,
              p: { ok: false as const, code: 'UNKNOWN' as never, message: (err as Error).message },
            };
          }
        }),
      );
      const refusals = previews.flatMap(({ name, p }) =>
        p.ok ? [] : [{ env: name, message: p.message }],
      );
      if (refusals.length > 0) return { ok: false, refusals };
      const members: GroupMemberPlan[] = previews.map(({ name, p }) => {
        const ok = p as OkPreview;
        return {
          env: name,
          ...describePreview(ok),
          ...(ok.kind === 'stage'
            ? {
                ids: {
                  pipeline: ok.pipeline,
                  currentExecutionId: ok.current.executionId,
                  targetExecutionId: ok.target.executionId,
                  olderThanPrevious: ok.olderThanPrevious,
                },
              }
            : {}),
        };
      });
      const plan = await store.create(
        {
          group: group.name,
          onMemberFailure: group.onMemberFailure,
          members,
          requesterId: input.requesterId,
          ...(input.reason ? { reason: input.reason } : {}),
          channel: env(group.members[0]!).channel,
        },
        deps.now(),
      );
      await record(plan, `user:${input.requesterId}`, 'group-proposed');
      // The review's promise: the same decision the confirm click will take (decideGroup).
      return { ok: true, plan, decision: await decideGroup(plan) };
    },

    /** The requester clicked "Roll back all N": decide once, post, and ask or start. */
    async start(id: string, user: string): Promise<string> {
      const g = await store.get(id);
      if (!g) return 'This button has expired. Start again with `/rollback <group>`.';
      const p = g.plan;
      if (p.requesterId !== user) {
        await record(p, `user:${user}`, 'group-confirm-refused', { detail: 'not the requester' });
        return `Only <@${p.requesterId}>, who asked for this group rollback, can confirm it.`;
      }
      if (!(await store.moveGroup(id, ['proposed'], 'evaluating'))) {
        return `Already ${g.state.replace('_', ' ')}: this group rollback (\`${id}\`) was started once. Follow it in <#${p.channel}>.`;
      }
      await record(p, `user:${user}`, 'group-confirmed');
      const decision = await decideGroup(p);
      if (decision.kind === 'block') {
        await store.setDecision(id, `Blocked: ${decision.reason}`);
        await store.moveGroup(id, ['evaluating'], 'refused');
        for (let i = 0; i < p.members.length; i++)
          await store.moveMember(id, i, ['pending'], 'not_started');
        await record(p, 'policy', 'group-blocked', { detail: decision.reason });
        await deps.queue.render(id);
        return `:no_entry: Group rollback of ${p.group} blocked: ${decision.reason}`;
      }
      if (decision.kind === 'needs-approval') {
        await store.setCase(id, decision.case);
        await store.moveGroup(id, ['evaluating'], 'awaiting_approval');
        await record(p, 'policy', 'group-awaiting-approval', {
          detail: decision.case.rules.join(', '),
        });
        await deps.queue.render(id);
        await deps.queue.expireAt(id, decision.case.expiresAt, deps.now());
        return `:raised_hand: The group rollback of ${p.group} needs one approval for all ${p.members.length} environments; the request is in the thread in <#${p.channel}>.`;
      }
      await store.moveGroup(id, ['evaluating'], 'running');
      await deps.queue.render(id);
      await deps.queue.step(id, 0, 0);
      return `:leftwards_arrow_with_hook: Group rollback of ${p.group} started (\`${id}\`): ${p.members.length} environments in order. Live status in <#${p.channel}>.`;
    },

    async cancel(id: string, user: string): Promise<string> {
      const g = await store.get(id);
      if (
        g &&
        g.plan.requesterId === user &&
        (await store.moveGroup(id, ['proposed'], 'cancelled'))
      ) {
        await record(g.plan, `user:${user}`, 'group-cancelled');
      }
      return 'Group rollback not started.';
    },

    async approve(id: string, user: string): Promise<string> {
      const g = await store.get(id);
      const refuse = async (code: string, message: string) => {
        await audit.record({
          by: `user:${user}`,
          event: 'group-approval-refused',
          detail: `${id} ${code}`,
        });
        return `:no_entry: ${message}`;
      };
      if (!g?.approval)
        return refuse('not-pending', 'This group rollback is not waiting for approval.');
      const c = g.approval;
      if (g.state !== 'awaiting_approval')
        return refuse(
          'not-pending',
          `This group rollback is no longer waiting for approval (it is ${g.state.replace('_', ' ')}).`,
        );
      if (deps.now() >= c.expiresAt) {
        await expire(id);
        return refuse('expired', 'This group rollback expired before it was approved; ask again.');
      }
      for (const set of c.approverSets) {
        const who = canApprove({
          approverId: user,
          requesterId: g.plan.requesterId,
          allowSelfApproval: false,
          forbidSelfApproval: c.forbidSelfApproval,
          approverMembers: await approverMembers(set),
        });
        if (!who.ok)
          return refuse(
            who.code,
            `${who.message.replace('this environment', 'every environment in this group')}${approversOf(who.code, set)}`,
          );
      }
      const { added, record: after } = await store.addApproval(id, user, deps.now());
      const approvals: Approval[] = after.approvals.map((a) => ({
        approverId: a.approverId,
        at: new Date(a.at),
      }));
      const tally = tallyApprovals(approvals, c.required);
      if (!added)
        return `You already approved this group rollback (${tally.count} of ${tally.required}); it counts once.`;
      await record(g.plan, `user:${user}`, 'group-approval-recorded', {
        detail: `group ${g.plan.group} ${id}: ${tally.count} of ${tally.required}`,
      });
      if (!tally.satisfied) {
        await deps.queue.render(id);
        return `:ballot_box_with_check: Approval recorded (${tally.count} of ${tally.required}).`;
      }
      if (!(await store.moveGroup(id, ['awaiting_approval'], 'running')))
        return `:ballot_box_with_check: Approval recorded (${tally.count} of ${tally.required}); the group rollback is already starting.`;
      await store.setDecision(
        id,
        `Approved by ${tally.approvers.map((u) => `<@${u}>`).join(', ')}.`,
      );
      await record(g.plan, `user:${user}`, 'group-approved', {
        detail: `group ${g.plan.group} ${id}: approved by ${tally.approvers.join(', ')}`,
      });
      await deps.queue.render(id);
      await deps.queue.step(id, 0, 0);
      return `:white_check_mark: Approved (${tally.count} of ${tally.required}). The group rollback of ${g.plan.group} is starting.`;
    },

    async reject(id: string, user: string): Promise<string> {
      const g = await store.get(id);
      if (!g?.approval || g.state !== 'awaiting_approval') {
        return 'This group rollback is not waiting for approval.';
      }
      if (user === g.plan.requesterId)
        return 'You asked for this group rollback; another approver decides.';
      for (const set of g.approval.approverSets) {
        const who = canApprove({
          approverId: user,
          requesterId: undefined,
          allowSelfApproval: false,
          approverMembers: await approverMembers(set),
        });
        if (!who.ok) {
          await audit.record({
            by: `user:${user}`,
            event: 'group-approval-refused',
            detail: `${id} ${who.code}`,
          });
          return `:no_entry: ${who.message}${approversOf(who.code, set)}`;
        }
      }
      if (!(await store.moveGroup(id, ['awaiting_approval'], 'rejected')))
        return 'Already decided.';
      await store.setDecision(id, `Rejected by <@${user}>.`);
      for (let i = 0; i < g.plan.members.length; i++)
        await store.moveMember(id, i, ['pending'], 'not_started');
      await record(g.plan, `user:${user}`, 'group-rejected');
      await deps.queue.render(id);
      return `Rejected the group rollback of ${g.plan.group}.`;
    },

    /** Worker: the approval's deadline. */
    expire,

    /** Worker: one step for member `i`: start it, or look at its request again. */
    async step(id: string, i: number, check: number): Promise<void> {
      const g = await store.get(id);
      if (g?.state !== 'running') return;
      const m = g.members[i];
      if (!m) return;
      if (m.state === 'pending' || m.state === 'starting') {
        if (m.state === 'pending' && !(await store.moveMember(id, i, ['pending'], 'starting')))
          return;
        return startMember(g.plan, i);
      }
      if (m.state === 'running' && m.requestId) return followMember(g.plan, i, m.requestId, check);
      // Ended, but the step that saw it end stopped before moving on (a retry): move on now.
      if (m.state === 'succeeded' || m.state === 'failed' || m.state === 'refused')
        return afterMember(g.plan, i, m.state);
    },

    /** Worker: post or update the group message and approval post. */
    render,
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
