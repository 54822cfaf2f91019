// The deploy block as AWS sees it: the inbound transition of each guarded stage, disabled with a
// reason that starts with a marker so the bot knows its own blocks from anyone else's.
//
// Reason grammar: `rollback-bot block <causes…>`, sanitised to [a-zA-Z0-9!@ ().*?-], ≤300 chars.
// Any reason starting with `rollback-bot` is the bot's; only `rollback-bot block` is the deploy
// block, which is the only one reconcile ever lifts (a post-rollback lock, for instance, is the
// bot's but is lifted by a person, not by a freeze ending).
import { sanitiseTransitionReason } from '../transition-reason.js';
import type { BlockCause } from './deploy-block.js';
import { formatUtcForTransition } from './zoned-time.js';

/** What every reason the bot writes on a transition starts with. */
export const BOT_TRANSITION_MARKER = 'rollback-bot';
/** What a deploy-block reason starts with. */
export const DEPLOY_BLOCK_MARKER = `${BOT_TRANSITION_MARKER} block`;

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

/** The DisableStageTransition reason for a deploy block: marker, then each cause, ≤300 chars. */
export function deployBlockTransitionReason(causes: readonly BlockCause[]): string {
  const text = [DEPLOY_BLOCK_MARKER, ...causes.map(causeText)].join(' ');
  return sanitiseTransitionReason(text);
}

function startsWithWord(text: string, prefix: string): boolean {
  return text === prefix || text.startsWith(`${prefix} `);
}

/** True when the bot wrote this reason (any of its blocks or locks). */
export function isOwnTransitionReason(reason: string | undefined): boolean {
  return reason !== undefined && startsWithWord(reason, BOT_TRANSITION_MARKER);
}

/** True when this reason is the bot's deploy block. */
export function isDeployBlockReason(reason: string | undefined): boolean {
  return reason !== undefined && startsWithWord(reason, DEPLOY_BLOCK_MARKER);
}

export interface DesiredTransition {
  blocked: boolean;
  /** The reason the bot would write now; when given, a stale own reason is rewritten. */
  reason?: string;
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
   * not make the block the bot's: someone copied the text.
   */
  botPrincipal?: string;
}

export type TransitionAction = 'disable' | 'enable' | 'none' | 'leave-foreign';

/**
 * What to do to one inbound transition so AWS matches the desired block. Never enables a
 * transition the bot did not disable as a deploy block.
 */
export function reconcileTransitions(
  desired: DesiredTransition,
  actual: ActualTransition,
  options: ReconcileOptions = {},
): TransitionAction {
  if (actual.enabled) return desired.blocked ? 'disable' : 'none';

  const byOtherIdentity =
    options.botPrincipal !== undefined &&
    actual.lastChangedBy !== undefined &&
    !actual.lastChangedBy.includes(options.botPrincipal);
  if (byOtherIdentity || !isOwnTransitionReason(actual.disabledReason)) return 'leave-foreign';
  // The bot's, but not a deploy block (a post-rollback lock): a person lifts it.
  if (!isDeployBlockReason(actual.disabledReason)) return 'none';

  if (!desired.blocked) return 'enable';
  return desired.reason !== undefined && desired.reason !== actual.disabledReason
    ? 'disable'
    : 'none';
}
