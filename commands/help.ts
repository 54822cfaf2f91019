import { helpMessage } from '../src/slack/blocks/help-message.js';
import type { CommandContext } from './context.js';

export async function runHelp(ctx: CommandContext, error?: string): Promise<void> {
  await ctx.reply(helpMessage(Object.keys(ctx.config.environments), error));
}
