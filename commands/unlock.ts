import { escapeMrkdwn } from '../src/slack/blocks/inert-text.js';
import { mayActOn } from '../src/slack/principals.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';

export async function runUnlock(
  ctx: CommandContext,
  environment: string,
  stage?: string,
): Promise<void> {
  const env = ctx.config.environments[environment]!;
  const allowed = await mayActOn(
    env,
    { user: ctx.user, channel: ctx.channel },
    ctx.config,
    ctx.principals,
  );
  if (!allowed.ok) {
    await ctx.audit.record({
      by: `user:${ctx.user}`,
      event: 'unlock-refused',
      env: environment,
      channel: ctx.channel,
      detail: allowed.reason,
    });
    await ctx.reply(text(`:no_entry: ${allowed.reason}`));
    return;
  }
  await ctx.service.unlock(environment, stage, `user:${ctx.user}`);
  await ctx.reply(
    text(
      `:unlock: Re-enabled the inbound transition of ${escapeMrkdwn(environment)}${stage ? ` / ${escapeMrkdwn(stage)}` : ''}. The next release may roll forward.`,
    ),
  );
}
