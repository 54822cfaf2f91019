// A group rollback's proposal and its one decision: every member previewed (any member that
// cannot be rolled back refuses the whole group), and every member's policy asked as for a group
// rollback by the requester, on the facts a single rollback of that member reads (its target's:
// older than previous, bad here, unsafe releases crossed). The review shows the same decision the
// confirm click takes, and a member's own request then asks no more than the group did.
import { type AwsClients, accountOf } from '../../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../../config/config.js';
import {
  decideRollback,
  type RollbackDecision,
  unreadableCrossing,
} from '../../domain/rollback-decision/index.js';
import { evaluateWindows } from '../../domain/stage-locks/index.js';
import type { FreezeStore } from '../../store/freeze-store.js';
import type { GroupMemberPlan, GroupPlan, GroupStore } from '../../store/group-store.js';
import { readRollbackFacts, type StageRollbackFacts } from '../guardrails/rollback-facts.js';
import { type Preview, type RollbackService, targetOf } from '../rollback-service.js';
import type { GroupRecorder } from './group-audit.js';
import { combineMemberDecisions, type GroupDecision } from './group-decision.js';

export interface GroupProposalDeps {
  config: Config;
  service: RollbackService;
  store: GroupStore;
  aws: AwsClients;
  freezes: FreezeStore;
  record: GroupRecorder;
  now: () => number;
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

/** A member as planned: what is shown, and the target (with its facts) its request is made for. */
function memberPlan(env: string, p: OkPreview): GroupMemberPlan {
  return { env, ...describePreview(p), rollbackTarget: targetOf(p) };
}

export function createGroupProposal(deps: GroupProposalDeps) {
  const env = (name: string): EnvironmentConfig => {
    const e = deps.config.environments[name];
    if (!e) throw new Error(`${name} is no longer configured`);
    return e;
  };

  /** A member's facts, read as for a single rollback of it (fail closed when unreadable). */
  async function memberFacts(
    e: EnvironmentConfig,
    m: GroupMemberPlan,
  ): Promise<StageRollbackFacts> {
    if (!m.rollbackTarget) {
      // Proposed before members carried their target: a person has to look.
      return unreadableCrossing(m.to ?? m.env, 'the group was proposed by an older version');
    }
    return readRollbackFacts(deps.aws, accountOf(e), m.rollbackTarget);
  }

  /** Each member's policy, asked as for a group rollback by the requester. */
  async function decideGroup(g: GroupPlan): Promise<GroupDecision> {
    const at = new Date(deps.now());
    const freezes = await deps.freezes.list(at.getTime());
    const decisions: Array<{ env: string; decision: RollbackDecision }> = [];
    for (const m of g.members) {
      const e = env(m.env);
      const facts = await memberFacts(e, m);
      const targetBad = m.rollbackTarget?.targetBad;
      decisions.push({
        env: m.env,
        decision: decideRollback({
          env: e,
          request: {
            requestedBy: { kind: 'user', id: g.requesterId },
            isGroupRollback: true,
            targetIsOlderThanPrevious: facts.targetIsOlderThanPrevious,
            unsafeCrossed: facts.unsafeCrossed,
            ...(targetBad ? { targetBad } : {}),
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

  /** Preview every member; any member that cannot be rolled back refuses the whole group. */
  async function propose(input: {
    group: string;
    requesterId: string;
    reason?: string;
  }): Promise<Proposal> {
    const group = deps.config.groups[input.group];
    if (!group) return { ok: false, refusals: [{ env: input.group, message: 'no such group' }] };
    const previews = await Promise.all(
      group.members.map(async (name) => {
        try {
          return { name, p: await deps.service.preview(name) };
        } catch (err) {
          // Refuses this member, in its own words; nothing else is asked of it.
          return { name, p: { ok: false as const, message: (err as Error).message } };
        }
      }),
    );
    const refusals = previews.flatMap(({ name, p }) =>
      p.ok ? [] : [{ env: name, message: p.message }],
    );
    const members = previews.flatMap(({ name, p }) => (p.ok ? [memberPlan(name, p)] : []));
    if (refusals.length > 0) return { ok: false, refusals };
    const plan = await deps.store.create(
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
    await deps.record(plan, `user:${input.requesterId}`, 'group-proposed');
    // The review's promise: the same decision the confirm click will take (decideGroup).
    return { ok: true, plan, decision: await decideGroup(plan) };
  }

  return { propose, decideGroup };
}
