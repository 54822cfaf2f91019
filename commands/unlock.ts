import { escapeMrkdwn } from '../src/slack/blocks/inert-text.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';
import { requireActor } from './require-actor.js';

export async function runUnlock(
  ctx: CommandContext,
  environment: string,
  stage?: string,
): Promise<void> {
  const env = ctx.config.environments[environment]!;
  if (!(await requireActor(ctx, env, 'unlock'))) return;
  await ctx.service.unlock(environment, stage, `user:${ctx.user}`);
  await ctx.reply(
    text(
      `:unlock: Re-enabled the inbound transition of ${escapeMrkdwn(environment)}${stage ? ` / ${escapeMrkdwn(stage)}` : ''}. The next release may roll forward.`,
    ),
  );
}
