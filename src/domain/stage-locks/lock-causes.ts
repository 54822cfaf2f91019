// Why a guarded stage's inbound transition is disabled: one model for the reconcile pass, unlock,
// /rollback status and every announcement. A stage is held while any cause holds:
//
//   the bot's:    the post-rollback lock, a freeze, a blackout, outside the deploy window, a
//                 blocking alarm (the last four come from deployBlock, per environment);
//   someone's:    a disable the bot did not write, which it never touches.
//
// The bot disables with a reason naming all of its causes (stage-transition.ts), rewrites the
// reason when they change, and enables only when none of its causes holds and nobody else's
// disable is in the way. The post-rollback lock is kept in Redis and read back from the reason
// AWS reports, so it survives Redis losing it; a person lifting it leaves a record that stops
// that reason counting.
import type { BlockCause } from './deploy-block.js';
import {
  type ActualTransition,
  isForeignDisable,
  lockInReason,
  type PostRollbackLock,
  type ReconcileOptions,
  stageLockTransitionReason,
  type TransitionAction,
} from './stage-transition.js';

/** What the bot recorded for one stage: the lock it holds, or that a person lifted one. */
export type RecordedLock =
  | { state: 'locked'; lock: PostRollbackLock; at: number }
  | { state: 'lifted'; requestId: string; by: string; at: number };

export type LockCause =
  | { kind: 'post-rollback'; reason: string; lock: PostRollbackLock }
  | BlockCause
  | { kind: 'foreign'; reason: string; disabledReason?: string; lastChangedBy?: string };

export type LockCauseKind = LockCause['kind'];

/** The name of each kind of cause, as status lines and announcements say it. */
export const CAUSE_NAME: Record<LockCauseKind, string> = {
  'post-rollback': 'post-rollback lock',
  freeze: 'freeze',
  blackout: 'blackout',
  'window-closed': 'outside the deploy window',
  alarm: 'blocking alarm',
  foreign: 'disabled by someone else',
};

export interface StageLockInput {
  env: string;
  stage: string;
  /** The environment's deploy-block causes that hold now (`deployBlock(…).causes`). */
  block: readonly BlockCause[];
  /** What Redis holds for this stage's post-rollback lock. */
  recorded?: RecordedLock;
  /** The inbound transition as AWS reports it now. */
  actual: ActualTransition;
  options?: ReconcileOptions;
}

export interface StageLock {
  stage: string;
  /** Every cause that holds: the post-rollback lock, the deploy-block causes, someone else's disable. */
  causes: LockCause[];
  /** The post-rollback lock that holds, if any. */
  lock?: PostRollbackLock;
  /** A lock read back from AWS's reason that Redis has no record of: record it again. */
  recovered?: PostRollbackLock;
  /** Someone else disabled the transition; the bot leaves it as it is. */
  foreign: boolean;
  /** What to do to the transition so AWS matches the bot's causes. */
  action: TransitionAction;
  /** The reason to write when `action` is `disable`. */
  reason?: string;
}

function lockCause(lock: PostRollbackLock): LockCause {
  const who = lock.by ? ` requested by ${lock.by}` : '';
  const what = lock.requestId ? `rollback ${lock.requestId}` : 'a rollback';
  return { kind: 'post-rollback', reason: `locked after ${what}${who}`, lock };
}

/** The lock that holds: Redis's record, else the one AWS's reason names unless it was lifted. */
function holdingLock(
  recorded: RecordedLock | undefined,
  fromReason: PostRollbackLock | undefined,
): { lock?: PostRollbackLock; recovered?: PostRollbackLock } {
  if (recorded?.state === 'locked') return { lock: recorded.lock };
  if (!fromReason) return {};
  if (recorded?.state === 'lifted' && recorded.requestId === fromReason.requestId) return {};
  return { lock: fromReason, ...(recorded ? {} : { recovered: fromReason }) };
}

/** Every cause that holds on one stage, and what to do to its transition. */
export function decideStageLock(input: StageLockInput): StageLock {
  const { actual } = input;
  const foreign = isForeignDisable(actual, input.options);
  const fromReason = !actual.enabled && !foreign ? lockInReason(actual.disabledReason) : undefined;
  const { lock, recovered } = holdingLock(input.recorded, fromReason);

  const own: LockCause[] = [...(lock ? [lockCause(lock)] : []), ...input.block];
  const causes: LockCause[] = foreign
    ? [
        ...own,
        {
          kind: 'foreign',
          reason: actual.disabledReason
            ? `disabled by someone else: ${actual.disabledReason}`
            : 'disabled by someone else',
          ...(actual.disabledReason ? { disabledReason: actual.disabledReason } : {}),
          ...(actual.lastChangedBy ? { lastChangedBy: actual.lastChangedBy } : {}),
        },
      ]
    : own;
  const reason =
    own.length > 0
      ? stageLockTransitionReason({
          ...(lock ? { lock } : {}),
          env: input.env,
          stage: input.stage,
          causes: input.block,
        })
      : undefined;

  let action: TransitionAction;
  if (foreign) action = 'leave-foreign';
  else if (actual.enabled) action = reason ? 'disable' : 'none';
  else if (!reason) action = 'enable';
  else action = reason === actual.disabledReason ? 'none' : 'disable';

  return {
    stage: input.stage,
    causes,
    ...(lock ? { lock } : {}),
    ...(recovered ? { recovered } : {}),
    foreign,
    action,
    ...(reason ? { reason } : {}),
  };
}

/** A stable key per cause: a change of key is a change worth announcing. */
export function causeKey(cause: LockCause): string {
  switch (cause.kind) {
    case 'post-rollback':
      return `lock:${cause.lock.requestId}`;
    case 'freeze':
      return `freeze:${cause.freeze.id}`;
    case 'blackout':
      return `blackout:${cause.until.getTime()}`;
    case 'window-closed':
      return 'window';
    case 'alarm':
      return `alarm:${cause.alarm}`;
    case 'foreign':
      return `foreign:${cause.disabledReason ?? ''}`;
  }
}

/** What an environment's stages hold, as one string: `clear` when nothing holds anywhere. */
export function lockSignature(stages: readonly Pick<StageLock, 'stage' | 'causes'>[]): string {
  const held = stages.filter((s) => s.causes.length > 0);
  if (held.length === 0) return 'clear';
  return held.map((s) => `${s.stage}=${s.causes.map(causeKey).join(',')}`).join(';');
}

/** The names of the kinds of cause that hold, in order, each once. */
export function causeNames(causes: readonly LockCause[]): string[] {
  return [...new Set(causes.map((c) => CAUSE_NAME[c.kind]))];
}

/** What `/rollback unlock` (or the Unlock button) did to one stage, and what still holds. */
export interface UnlockOutcome {
  env: string;
  pipeline: string;
  stage: string;
  /** The post-rollback lock lifted; absent when none held. */
  lifted?: PostRollbackLock;
  /** Every cause that still holds (empty: the transition is enabled, the next release goes on). */
  causes: LockCause[];
  /** The inbound transition as the bot left it. */
  enabled: boolean;
  /** AWS did not take the change (the lock is lifted all the same; the next pass retries). */
  error?: string;
}
