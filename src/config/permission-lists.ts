// The words of a permission list in the config (environments.<env>.permissions.*) and the
// lists an environment gets when it says nothing. src/domain/permissions.ts gives them meaning.

/**
 * Words a permission list may hold besides Slack ids:
 * - `channel`: anyone acting from the environment's channel (the command typed there, the button
 *   clicked on a message posted there);
 * - `requester`: the person who asked for the request being cancelled (for unlock: for the rollback
 *   that locked the stage); when the bot asked (an automatic rollback), whoever may request one;
 * - `approvers`: the environment's approval.approvers.
 */
export const PERMISSION_KEYWORDS = ['channel', 'requester', 'approvers'] as const;
export type PermissionKeyword = (typeof PERMISSION_KEYWORDS)[number];

/** `channel` keeps today's behaviour for environments that say nothing. */
export const DEFAULT_REQUEST: readonly string[] = ['channel'];
export const DEFAULT_CANCEL: readonly string[] = ['requester', 'approvers'];
