// Whether a rollback may go now, needs approval (which rules, how many, from whom, until
// when), or is blocked. Pure: config, the request's facts, the freeze state and the clock in.
//
// Rules (config `approval.when`, plus the two the issue makes unconditional):
// - always, older-than-previous, group-rollback: when listed;
// - during-freeze: when listed, or when `windows.rollbacksDuringFreeze` is require-approval;
//   a blackout counts as a freeze for rollbacks;
// - crosses-unsafe-release: always, listed or not: undoing a migration needs a second pair of eyes.
// - target-is-bad: always, listed or not: the chosen release failed, tripped an alarm, was rolled
//   back from or was marked bad in this place (domain/stage-releases.ts).
// `rollbacksDuringFreeze: deny` blocks every rollback, automatic ones too, and names who can
// lift the freeze. Automatic rollbacks are otherwise not held unless `holdAutomatic`: then the
// same rules apply to them as to manual ones. Facts that cannot be read fail closed
// (`unreadableCrossing`).

import type { ApprovalRule, EnvironmentConfig } from '../../config/config.js';
import { joinPhrases, type Phrase, type PhrasePart } from '../phrase.js';
import type { Blackout } from '../stage-locks/deploy-windows.js';
import { activeFreezes, type Freeze } from '../stage-locks/freezes.js';
import type { UnsafeRelease } from './rollback-safety.js';

export type RollbackRequester = { kind: 'user'; id: string } | { kind: 'auto'; reason?: string };

export interface RollbackFacts {
  requestedBy: RollbackRequester;
  /** One request rolls back several environments of a group together. */
  isGroupRollback: boolean;
  /** The target is older than the release before the current one. */
  targetIsOlderThanPrevious: boolean;
  /** From unsafeReleasesCrossed(). */
  unsafeCrossed: readonly UnsafeRelease[];
  /** The target is bad in this stage or group: why. */
  targetBad?: readonly string[];
}

/**
 * The facts of a rollback whose crossed releases could not be read: it fails closed. It counts as
 * older than the previous release and as crossing an unsafe release (the current one, saying
 * why), so the policy asks a person to look, for a single rollback and a group's member alike.
 */
export function unreadableCrossing(
  currentExecutionId: string,
  error: string,
): Pick<RollbackFacts, 'targetIsOlderThanPrevious'> & { unsafeCrossed: UnsafeRelease[] } {
  return {
    targetIsOlderThanPrevious: true,
    unsafeCrossed: [
      {
        executionId: currentExecutionId,
        reasons: [`the releases between could not be read from AWS (${error.slice(0, 200)})`],
      },
    ],
  };
}

export interface FreezeState {
  /** Any freezes; only those for this environment in force at `now` count. */
  freezes: readonly Freeze[];
  /** The blackout in force now, if any (evaluateWindows().activeBlackout). */
  blackout?: Blackout | undefined;
  /** Who may lift freezes (config access.freezers). */
  freezers: readonly string[];
}

export interface TriggeredRule {
  rule: ApprovalRule;
  /** In words, for the approval post: times, people and freeze reasons as phrase parts. */
  why: Phrase;
}

export type RollbackDecision =
  | { decision: 'allow'; warnings: string[] }
  | {
      decision: 'needs-approval';
      rules: TriggeredRule[];
      required: number;
      /** Slack user ids and user-group ids, as configured. */
      approvers: string[];
      expiresAt: Date;
      warnings: string[];
    }
  | {
      decision: 'block';
      reason: Phrase;
      /** Slack ids of who can lift the block (freezers and whoever set the freezes); may be empty. */
      whoCanLift: string[];
    };

export interface DecideRollbackInput {
  env: Pick<EnvironmentConfig, 'name' | 'approval' | 'windows'>;
  request: RollbackFacts;
  now: Date;
  freezeState: FreezeState;
}

function describeUnsafe(unsafe: readonly UnsafeRelease[]): string {
  return unsafe.map((u) => `${u.executionId} (${u.reasons.join('; ')})`).join(', ');
}

/** "frozen until <time> (<reason>, by <who>) and in blackout <reason> until <time>". */
function freezeWords(freezes: Freeze[], blackout: Blackout | undefined): PhrasePart[] {
  const parts: Phrase[] = freezes.map((f) => [
    { text: 'frozen until ' },
    { time: f.until.getTime() },
    { text: ' (' },
    { quote: f.reason },
    { text: ', by ' },
    { who: f.by },
    { text: ')' },
  ]);
  if (blackout)
    parts.push([
      { text: 'in blackout ' },
      { quote: blackout.reason },
      { text: ' until ' },
      { time: blackout.to.getTime() },
    ]);
  return joinPhrases(parts, ' and ');
}

export function decideRollback({
  env,
  request,
  now,
  freezeState,
}: DecideRollbackInput): RollbackDecision {
  const policy = env.approval;
  const freezes = activeFreezes(freezeState.freezes, now, env.name);
  const blackout =
    freezeState.blackout && freezeState.blackout.from <= now && now < freezeState.blackout.to
      ? freezeState.blackout
      : undefined;
  const frozen = freezes.length > 0 || blackout !== undefined;
  const frozenWords = frozen ? freezeWords(freezes, blackout) : [];

  if (frozen && env.windows.rollbacksDuringFreeze === 'deny') {
    const whoCanLift = [...new Set([...freezeState.freezers, ...freezes.map((f) => f.by)])];
    const lift =
      freezes.length > 0
        ? whoCanLift.length > 0
          ? 'A freezer can lift the freeze with /rollback unfreeze.'
          : 'No one is configured to lift freezes (access.freezers).'
        : 'The blackout is set in the configuration and ends on its own.';
    return {
      decision: 'block',
      reason: [
        { text: `${env.name} is ` },
        ...frozenWords,
        { text: `, and its policy denies rollbacks during a freeze. ${lift}` },
      ],
      whoCanLift: freezes.length > 0 ? whoCanLift : [],
    };
  }

  const warnings =
    request.unsafeCrossed.length > 0
      ? [
          `This rollback crosses releases marked unsafe to roll back: ${describeUnsafe(request.unsafeCrossed)}.`,
        ]
      : [];

  const when = new Set(policy.when);
  const rules: TriggeredRule[] = [];
  if (when.has('always')) {
    rules.push({
      rule: 'always',
      why: [{ text: `${env.name} needs approval for every rollback` }],
    });
  }
  if (when.has('older-than-previous') && request.targetIsOlderThanPrevious) {
    rules.push({
      rule: 'older-than-previous',
      why: [{ text: 'the target is older than the release before the current one' }],
    });
  }
  if (
    frozen &&
    (when.has('during-freeze') || env.windows.rollbacksDuringFreeze === 'require-approval')
  ) {
    rules.push({ rule: 'during-freeze', why: [{ text: `${env.name} is ` }, ...frozenWords] });
  }
  if (when.has('group-rollback') && request.isGroupRollback) {
    rules.push({
      rule: 'group-rollback',
      why: [{ text: 'it rolls back several environments of a group together' }],
    });
  }
  if (request.targetBad && request.targetBad.length > 0) {
    rules.push({
      rule: 'target-is-bad',
      why: [{ text: 'the chosen release is bad here: ' }, { quote: request.targetBad.join('; ') }],
    });
  }
  if (request.unsafeCrossed.length > 0) {
    rules.push({
      rule: 'crosses-unsafe-release',
      why: [
        { text: 'it crosses releases marked unsafe to roll back: ' },
        { quote: describeUnsafe(request.unsafeCrossed) },
      ],
    });
  }

  if (rules.length === 0) return { decision: 'allow', warnings };

  if (request.requestedBy.kind === 'auto' && !policy.holdAutomatic) {
    // Customer impact comes first: the rollback goes, and the announcement says what applied.
    return {
      decision: 'allow',
      warnings: [
        ...warnings,
        `Not held for approval because it is automatic (${rules.map((r) => r.rule).join(', ')} would apply to a manual rollback).`,
      ],
    };
  }

  if (policy.approvers.length === 0) {
    return {
      decision: 'block',
      reason: [
        { text: 'This rollback needs approval (' },
        ...joinPhrases(
          rules.map((r) => r.why),
          '; ',
        ),
        { text: `), but ${env.name} has no approvers configured (approval.approvers).` },
      ],
      whoCanLift: [],
    };
  }

  return {
    decision: 'needs-approval',
    rules,
    required: policy.required,
    approvers: [...policy.approvers],
    expiresAt: new Date(now.getTime() + policy.expiresAfterMs),
    warnings,
  };
}
