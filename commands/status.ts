// /rollback status [env]: per environment, what holds forward deploys and what rollbacks do.
import { statusReport } from '../src/slack/blocks/status-report.js';
import { envStatusView } from '../src/slack/report-views.js';
import type { CommandContext } from './context.js';

export async function runStatus(ctx: CommandContext, environment?: string): Promise<void> {
  const names = environment ? [environment] : Object.keys(ctx.config.environments);
  const views = await Promise.all(
    names.map((n) => envStatusView(ctx, ctx.config.environments[n]!)),
  );
  await ctx.reply(statusReport(views));
}
