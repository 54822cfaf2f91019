// The guardrails hook for the rollback service: gathers the facts (target older than the
// previous release, unsafe releases crossed, freezes and blackouts, group rollback) and asks
// domain/rollback-decision's decideRollback. A needs-approval decision is kept in Redis by request id
// for the approval flow; the service itself carries one rule and a sentence.
import { type AwsClients, accountOf } from '../../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../../config/config.js';
import { joinPhrases, type Phrase } from '../../domain/phrase.js';
import {
  decideRollback,
  type RollbackDecision,
  type RollbackFacts,
} from '../../domain/rollback-decision/index.js';
import { groupOfSource, type RollbackRequest } from '../../domain/rollback-request.js';
import { evaluateWindows } from '../../domain/stage-locks/index.js';
import type { Logger } from '../../log.js';
import type { ApprovalCase, ApprovalStore } from '../../store/approval-store.js';
import type { FreezeStore } from '../../store/freeze-store.js';
import type { DecideRollback, KnownExecutions, PolicyDecision } from '../rollback-policy.js';
import { readRollbackFacts, type StageRollbackFacts } from './rollback-facts.js';

export interface GuardrailsDecideDeps {
  config: Config;
  aws: AwsClients;
  freezes: FreezeStore;
  cases: ApprovalStore;
  log: Logger;
  /** Called once the case is stored, before the service moves the request on. */
  onNeedsApproval?: (c: ApprovalCase) => Promise<void>;
  /**
   * A member request of a group rollback (source `group:<id>`): true when that group was
   * approved for this request. Absent: group members are decided like any group rollback.
   */
  approvedGroupMember?: (groupId: string, request: RollbackRequest) => Promise<boolean>;
  now?: () => number;
}

function requestFacts(
  deps: GuardrailsDecideDeps,
  env: EnvironmentConfig,
  request: RollbackRequest,
  known: KnownExecutions | undefined,
): Promise<StageRollbackFacts> {
  return readRollbackFacts(deps.aws, accountOf(env), request.target, {
    ...(known ? { known } : {}),
    onUnreadable: (err) =>
      deps.log.warn(
        { err: { message: err.message }, requestId: request.id },
        'guardrails: could not read the releases a rollback crosses',
      ),
  });
}

/** "Needs 1 approval from <group> before <time> because <why>; <why>. <warnings>" */
export function needsApprovalWords(
  d: Extract<RollbackDecision, { decision: 'needs-approval' }>,
): Phrase {
  const n = d.required === 1 ? '1 approval' : `${d.required} approvals`;
  return [
    { text: `Needs ${n} from ` },
    ...joinPhrases(
      d.approvers.map((id) => [{ who: id }]),
      ' or ',
    ),
    { text: ' before ' },
    { time: d.expiresAt.getTime() },
    { text: ' because ' },
    ...joinPhrases(
      d.rules.map((r) => r.why),
      '; ',
    ),
    { text: `.${d.warnings.length > 0 ? ` ${d.warnings.join(' ')}` : ''}` },
  ];
}

export function createGuardrailsDecide(deps: GuardrailsDecideDeps): DecideRollback {
  const now = deps.now ?? Date.now;
  return async ({ request, env, known, dryRun }): Promise<PolicyDecision> => {
    const at = new Date(now());
    const groupId = groupOfSource(request.source);
    const [facts, freezes] = await Promise.all([
      requestFacts(deps, env, request, known),
      deps.freezes.list(at.getTime()),
    ]);
    const rollbackFacts: RollbackFacts = {
      requestedBy:
        request.requestedBy.kind === 'user'
          ? { kind: 'user', id: request.requestedBy.id }
          : { kind: 'auto', reason: request.requestedBy.reason },
      isGroupRollback: groupId !== undefined,
      targetIsOlderThanPrevious: facts.targetIsOlderThanPrevious,
      unsafeCrossed: facts.unsafeCrossed,
      ...(request.target.targetBad ? { targetBad: request.target.targetBad } : {}),
    };
    const decision = decideRollback({
      env,
      request: rollbackFacts,
      now: at,
      freezeState: {
        freezes,
        blackout: evaluateWindows(env.windows, at).activeBlackout,
        freezers: deps.config.access.freezers,
      },
    });
    if (decision.decision === 'allow') {
      return decision.warnings.length > 0
        ? { kind: 'allow', note: decision.warnings.join(' ') }
        : { kind: 'allow' };
    }
    if (decision.decision === 'block') {
      const lift: Phrase =
        decision.whoCanLift.length > 0
          ? [
              { text: ' Who can lift it: ' },
              ...joinPhrases(
                decision.whoCanLift.map((id) => [{ who: id }]),
                ', ',
              ),
              { text: '.' },
            ]
          : [];
      return { kind: 'block', reason: joinPhrases([decision.reason, lift], '') };
    }
    // The group's one approval covers its members; a freeze that denies rollbacks still blocks.
    if (groupId && (await deps.approvedGroupMember?.(groupId, request))) {
      return { kind: 'allow', note: `approved as part of group rollback ${groupId}` };
    }
    const detail = needsApprovalWords(decision);
    const rule = decision.rules.map((r) => r.rule).join(', ');
    if (dryRun) return { kind: 'needs-approval', rule, detail };
    const t = request.target;
    const c: ApprovalCase = {
      requestId: request.id,
      env: env.name,
      ...(request.requestedBy.kind === 'user' ? { requesterId: request.requestedBy.id } : {}),
      rules: decision.rules,
      required: decision.required,
      approvers: decision.approvers,
      expiresAt: decision.expiresAt.getTime(),
      warnings: decision.warnings,
      binding:
        t.kind === 'stage'
          ? {
              env: env.name,
              stage: t.stage,
              targetExecutionId: t.targetExecutionId,
              currentExecutionId: t.currentExecutionId,
            }
          : {
              env: env.name,
              stage: `${t.application}/${t.deploymentGroup}`,
              targetExecutionId: t.targetDeploymentId ?? `stop:${t.currentDeploymentId ?? ''}`,
            },
      createdAt: at.getTime(),
      ...(facts.currentSummary ? { currentSummary: facts.currentSummary } : {}),
      ...(facts.targetSummary ? { targetSummary: facts.targetSummary } : {}),
    };
    await deps.cases.saveCase(c);
    await deps.onNeedsApproval?.(c);
    return { kind: 'needs-approval', rule, detail };
  };
}
