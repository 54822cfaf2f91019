// Commands that act are accepted only from the environment's channel or from allowed users.
// A refusal is answered privately and audited.
import type { EnvironmentConfig } from '../src/config/config.js';
import { mayActOn } from '../src/slack/principals.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';

/** True when the caller may act on `env`; otherwise replies, audits `<action>-refused`, false. */
export async function requireActor(
  ctx: CommandContext,
  env: EnvironmentConfig,
  action: string,
): Promise<boolean> {
  const allowed = await mayActOn(
    env,
    { user: ctx.user, channel: ctx.channel },
    ctx.config,
    ctx.principals,
  );
  if (allowed.ok) return true;
  await ctx.audit.record({
    by: `user:${ctx.user}`,
    event: `${action}-refused`,
    env: env.name,
    channel: ctx.channel,
    detail: allowed.reason,
  });
  await ctx.reply(text(`:no_entry: ${allowed.reason}`));
  return false;
}
