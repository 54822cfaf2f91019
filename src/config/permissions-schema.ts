// The permissions block of the config (defaults.permissions, environments.<env>.permissions):
// lists of Slack users, user groups and the words of src/config/permission-lists.ts.
import { z } from 'zod';
import { didYouMean } from '../runtime/suggest.js';
import { PERMISSION_KEYWORDS } from './permission-lists.js';

/**
 * One entry of a permission list: a Slack user (U…/W…) or user group (S…), or a keyword
 * (`channel`, `requester`, `approvers`; see src/domain/permissions.ts).
 */
const permissionEntry = z.string().superRefine((entry, ctx) => {
  if ((PERMISSION_KEYWORDS as readonly string[]).includes(entry)) return;
  if (/^[UWS][A-Z0-9]{2,}$/.test(entry)) return;
  const words = PERMISSION_KEYWORDS.join(', ');
  ctx.addIssue({
    code: 'custom',
    message: /^[CGD][A-Z0-9]{2,}$/.test(entry)
      ? `"${entry}" is a channel id; permissions name people (U…/W… users, S… user groups) or ${words} ("channel" is the environment's own channel)`
      : `"${entry}" must be a Slack user id (U…/W…), a user-group id (S…), or one of ${words}; not a name or @handle${didYouMean(entry, [...PERMISSION_KEYWORDS])}`,
  });
});

function permissionList(key: 'request' | 'cancel') {
  return z.array(permissionEntry).superRefine((entries, ctx) => {
    entries.forEach((entry, i) => {
      if (entries.indexOf(entry) !== i) {
        ctx.addIssue({ code: 'custom', path: [i], message: `"${entry}" is listed twice` });
      }
      if (key === 'request' && entry === 'requester') {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message:
            '"requester" applies to cancel only: a rollback has no requester before it is requested',
        });
      }
    });
  });
}

/**
 * Who may act on an environment, besides access.admins (who always may). An empty list: admins
 * only. Read-only commands (status, history, diff, help) are open to everyone.
 */
export const permissionsSettings = z.strictObject({
  /** Who may request a rollback (command, buttons, picker, group). Default [channel]. */
  request: permissionList('request').optional(),
  /** Who may cancel a request (also in its grace period) or unlock a stage. Default [requester, approvers]. */
  cancel: permissionList('cancel').optional(),
});
