// /rollback history [env] [n]: the last rollbacks, each with its commits, who asked and approved,
// how it ended and its thread. Commits come from one bounded release listing per stage.
import { historyReport } from '../src/slack/blocks/history-report.js';
import { historyRows, lastRequests, revisionsOf, stagesOf } from '../src/slack/report-views.js';
import type { CommandContext } from './context.js';

export async function runHistory(
  ctx: CommandContext,
  environment: string | undefined,
  limit: number,
): Promise<void> {
  const names = environment ? [environment] : Object.keys(ctx.config.environments);
  const requests = await lastRequests(ctx, names, limit);
  const rows = await historyRows(ctx, requests, await revisionsOf(ctx, stagesOf(requests)));
  await ctx.reply(historyReport(rows));
}
