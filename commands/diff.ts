import { previewSummary } from '../src/slack/blocks/confirmation.js';
import { escapeMrkdwn } from '../src/slack/blocks/inert-text.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';

export async function runDiff(
  ctx: CommandContext,
  environment: string,
  stage?: string,
  to?: string,
): Promise<void> {
  const p = await ctx.service.preview(environment, {
    ...(stage ? { stage } : {}),
    ...(to ? { to } : {}),
  });
  if (!p.ok) {
    await ctx.reply(text(`:no_entry_sign: ${escapeMrkdwn(p.message)}`));
    return;
  }
  const blocks = previewSummary(p, new Date(ctx.now()));
  await ctx.reply({ text: `What a rollback of ${environment} would change`, blocks });
}
