// The stage lock as AWS sees it: the inbound transition of each guarded stage, disabled with a
// reason that starts with a marker so the bot knows its own disables from anyone else's, and can
// read back the post-rollback lock it holds even when Redis has lost its record.
//
// Reason grammar, sanitised to [a-zA-Z0-9!@ ().*?-], ≤300 chars:
//
//   rollback-bot block [(lock after rollback <request> by <who> - rollback unlock <env> <stage> lifts it)] (<cause>)…
//
// The post-rollback lock comes first, straight after the header: no outside text (a freeze
// reason) can stand where it is read, and the cut at 300 characters never reaches it. What
// follows is one `(…)` per deploy-block cause (freeze, blackout, closed window, alarm), which
// the bot recomputes on every pass rather than reads back.

import type { BlockCause } from './deploy-block.js';
import { sanitiseTransitionReason } from './transition-reason.js';
import { formatUtcForTransition } from './zoned-time.js';

/** What every reason the bot writes on a transition starts with. */
export const BOT_TRANSITION_MARKER = 'rollback-bot';
/** The header of every reason the bot writes now (its causes follow). */
export const DEPLOY_BLOCK_MARKER = `${BOT_TRANSITION_MARKER} block`;

/** Who a post-rollback lock names when no person asked for the rollback. */
export const AUTOMATIC_LOCKER = 'automatic rollback';

/** The lock the bot holds on a stage after a rollback, until a person lifts it. */
export interface PostRollbackLock {
  /** The rollback request that locked it; '' when read back from a reason that does not say. */
  requestId: string;
  /** Who asked for that rollback, as written in the reason (a Slack user id, `automatic rollback`). */
  by?: string;
}

const LOCK_GROUP = /^rollback-bot block \(lock after rollback ([A-Za-z0-9-]+)/;
const LOCK_BY =
  /^rollback-bot block \(lock after rollback [A-Za-z0-9-]+ by ([A-Za-z0-9@. -]+?)(?: - |\))/;
/** What the rollback worker wrote before the marker came first. */
const LEGACY_LOCK = /^Locked by rollback-bot after rollback ([A-Za-z0-9-]+)/;

function causeText(cause: BlockCause): string {
  switch (cause.kind) {
    case 'freeze':
      return `(freeze by ${cause.freeze.by} until ${formatUtcForTransition(cause.until)} - ${cause.freeze.reason})`;
    case 'blackout':
      return `(blackout until ${formatUtcForTransition(cause.until)} - ${cause.blackout.reason})`;
    case 'window-closed':
      return cause.until
        ? `(outside deploy window until ${formatUtcForTransition(cause.until)})`
        : '(outside deploy window)';
    case 'alarm':
      return `(alarm ${cause.alarm})`;
  }
}

/** Text that may stand inside the lock group: no parentheses, nothing AWS refuses. */
const token = (text: string) => text.replace(/[^A-Za-z0-9@.-]+/g, '-');

export interface StageReasonInput {
  /** The post-rollback lock that holds, if any. */
  lock?: PostRollbackLock;
  /** The environment and stage, for the unlock hint. */
  env: string;
  stage: string;
  /** The deploy-block causes that hold. */
  causes: readonly BlockCause[];
}

/** The DisableStageTransition reason for every cause of the bot's that holds on one stage. */
export function stageLockTransitionReason({ lock, env, stage, causes }: StageReasonInput): string {
  const groups: string[] = [];
  if (lock) {
    const by = lock.by ? ` by ${lock.by.replace(/[^A-Za-z0-9@. -]+/g, ' ').trim()}` : '';
    groups.push(
      `(lock after rollback ${token(lock.requestId) || 'unknown'}${by} - rollback unlock ${token(env)} ${token(stage)} lifts it)`,
    );
  }
  groups.push(...causes.map(causeText));
  return sanitiseTransitionReason([DEPLOY_BLOCK_MARKER, ...groups].join(' '));
}

/**
 * The reason once a post-rollback lock is added to what the transition says now: the deploy-block
 * causes of an own reason are kept (the next pass rewrites them anyway), an older lock is replaced.
 */
export function reasonWithLock(
  existing: string | undefined,
  input: { lock: PostRollbackLock; env: string; stage: string },
): string {
  const head = stageLockTransitionReason({ ...input, causes: [] });
  const rest =
    existing && isDeployBlockReason(existing)
      ? existing
          .slice(DEPLOY_BLOCK_MARKER.length)
          .trim()
          .replace(/^\(lock after rollback [^()]*\)\s*/, '')
      : '';
  return sanitiseTransitionReason(rest ? `${head} ${rest}` : head);
}

function startsWithWord(text: string, prefix: string): boolean {
  return text === prefix || text.startsWith(`${prefix} `);
}

/** True when the bot wrote this reason (any of its blocks or locks, also the old lock text). */
export function isOwnTransitionReason(reason: string | undefined): boolean {
  return (
    reason !== undefined &&
    (startsWithWord(reason, BOT_TRANSITION_MARKER) || LEGACY_LOCK.test(reason))
  );
}

/** True when this reason has the header the bot writes now. */
export function isDeployBlockReason(reason: string | undefined): boolean {
  return reason !== undefined && startsWithWord(reason, DEPLOY_BLOCK_MARKER);
}

/**
 * The post-rollback lock an own reason records, if any. A reason of the bot's it cannot read
 * (`rollback-bot lock …`, a bare marker) counts as a lock too: the bot never lifts on its own
 * what it does not understand; a person does, with /rollback unlock.
 */
export function lockInReason(reason: string | undefined): PostRollbackLock | undefined {
  if (reason === undefined || !isOwnTransitionReason(reason)) return undefined;
  const group = LOCK_GROUP.exec(reason);
  if (group) {
    const by = LOCK_BY.exec(reason)?.[1]?.trim();
    return { requestId: group[1]!, ...(by ? { by } : {}) };
  }
  const legacy = LEGACY_LOCK.exec(reason);
  if (legacy) return { requestId: legacy[1]! };
  return isDeployBlockReason(reason) ? undefined : { requestId: '' };
}

/** GetPipelineState's inboundTransitionState. */
export interface ActualTransition {
  enabled: boolean;
  disabledReason?: string;
  lastChangedBy?: string;
}

export interface ReconcileOptions {
  /**
   * The identity AWS reports as lastChangedBy for the bot's own calls (e.g. its role ARN or
   * `assumed-role/rollback-bot`). When given and AWS names someone else, a marker alone does
   * not make the disable the bot's: someone copied the text.
   */
  botPrincipal?: string;
}

/** True when someone else disabled this transition: the bot never touches it. */
export function isForeignDisable(
  actual: ActualTransition,
  options: ReconcileOptions = {},
): boolean {
  if (actual.enabled) return false;
  const byOtherIdentity =
    options.botPrincipal !== undefined &&
    actual.lastChangedBy !== undefined &&
    !actual.lastChangedBy.includes(options.botPrincipal);
  return byOtherIdentity || !isOwnTransitionReason(actual.disabledReason);
}

export type TransitionAction = 'disable' | 'enable' | 'none' | 'leave-foreign';
