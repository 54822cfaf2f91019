// /rollback history [env] [n]: the last rollbacks, each with its commits, who asked and approved,
// how it ended and its thread. Commits come from one bounded release listing per stage.
import type { SourceRevision } from '../src/domain/releases.js';
import type { RollbackRequest } from '../src/domain/rollback-request.js';
import {
  approverOfDecision,
  type HistoryRow,
  historyReport,
} from '../src/slack/blocks/history-report.js';
import type { CommandContext } from './context.js';

/** How many releases of a stage are read to name the commits (one AWS listing per stage). */
const RELEASES_READ = 20;

/** Execution id → source revisions, for the stages these requests rolled back. */
async function revisionsOf(
  ctx: CommandContext,
  requests: readonly RollbackRequest[],
): Promise<Map<string, SourceRevision[]>> {
  const stages = new Map<string, { env: string; stage: string }>();
  for (const r of requests) {
    if (r.target.kind === 'stage')
      stages.set(`${r.env}\n${r.target.stage}`, { env: r.env, stage: r.target.stage });
  }
  const out = new Map<string, SourceRevision[]>();
  const lists = await Promise.all(
    [...stages.values()].map((s) =>
      // Commits are a nicety: when AWS cannot be read, the execution ids are shown instead.
      ctx.service.releases(s.env, { stage: s.stage, limit: RELEASES_READ }).catch(() => []),
    ),
  );
  for (const c of lists.flat()) out.set(c.executionId, c.sourceRevisions);
  return out;
}

export async function runHistory(
  ctx: CommandContext,
  environment: string | undefined,
  limit: number,
): Promise<void> {
  const names = environment ? [environment] : Object.keys(ctx.config.environments);
  const all = (await Promise.all(names.map((n) => ctx.service.history(n, limit)))).flat();
  all.sort((a, b) => b.createdAt - a.createdAt);
  const requests = all.slice(0, limit);
  const [revisions, threads] = await Promise.all([
    revisionsOf(ctx, requests),
    Promise.all(requests.map((r) => ctx.statusMessages.get(r.id))),
  ]);
  const rows = requests.map((request, i): HistoryRow => {
    const approver = approverOfDecision(request.decision);
    const thread = threads[i];
    return {
      request,
      revisions,
      ...(approver ? { approvedBy: [approver] } : {}),
      ...(thread ? { thread } : {}),
    };
  });
  await ctx.reply(historyReport(rows));
}
