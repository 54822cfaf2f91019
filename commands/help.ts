import { helpMessage } from '../src/slack/blocks/help-message.js';
import type { CommandContext } from './context.js';

export async function runHelp(ctx: CommandContext, error?: string): Promise<void> {
  const names = {
    environments: Object.keys(ctx.config.environments),
    groups: Object.values(ctx.config.groups),
  };
  await ctx.reply(helpMessage(names, error));
}
