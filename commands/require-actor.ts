// Commands that act ask the one permission check (src/slack/authorize.ts) first. A refusal is
// answered privately, names who may instead, and is audited.
import type { Act } from '../src/domain/permissions.js';
import { authorize } from '../src/slack/authorize.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';

/** True when the caller may do `scope`; otherwise replies, audits `<event>-refused`, false. */
export async function requireActor(
  ctx: CommandContext,
  scope: Act,
  event: string,
  request?: string,
): Promise<boolean> {
  const allowed = await authorize(ctx, {
    scope,
    user: ctx.user,
    channel: ctx.channel,
    event,
    ...(request ? { request } : {}),
  });
  if (allowed.ok) return true;
  await ctx.reply(text(`:no_entry: ${allowed.message}`));
  return false;
}
