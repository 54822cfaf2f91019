// The facts behind `/rollback status` and `/rollback history`, read once here for both the
// commands (commands/status.ts, history.ts) and the App Home (home-facts.ts): one way to read
// each. An environment's status: its requests (the rollback service) and what the guardrails
// say holds it; the history: the last requests, each with its commits (one bounded release
// listing per stage), who approved and where its thread is.
import type { EnvironmentConfig } from '../config/config.js';
import type { SourceRevision } from '../domain/releases.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import { approverOfDecision, type HistoryRow } from './blocks/history-report.js';
import type { EnvStatusView } from './blocks/status-report.js';
import type { SlackServices } from './slack-services.js';

/** How many releases of a stage are read to name the commits (one AWS listing per stage). */
export const RELEASES_READ = 20;

type StatusDeps = Pick<SlackServices, 'service' | 'guardrails' | 'now'>;

function whereOf(env: EnvironmentConfig): string {
  return env.target.kind === 'stage'
    ? `${env.target.pipeline} / ${Object.keys(env.target.stages).join(', ')}`
    : `CodeDeploy ${env.target.application} / ${env.target.deploymentGroup}`;
}

/** One environment as `/rollback status` shows it. */
export async function envStatusView(s: StatusDeps, env: EnvironmentConfig): Promise<EnvStatusView> {
  const { active, recent } = await s.service.status(env.name);
  const last = recent.find((r) => !active.includes(r));
  const guard = s.guardrails ? await s.guardrails.control.status(env, s.now()) : undefined;
  return {
    name: env.name,
    channel: env.channel,
    where: whereOf(env),
    autoRollback: String(env.autoRollback),
    hasWindows: env.windows.allow.length > 0,
    blockOnAlarms: env.blockOnAlarms,
    codeDeploy: env.target.kind !== 'stage',
    active,
    ...(guard ? { guard } : {}),
    ...(last ? { last } : {}),
  };
}

/** The pipeline stages these requests rolled back, once each. */
export function stagesOf(
  requests: readonly RollbackRequest[],
): Array<{ env: string; stage: string }> {
  const stages = new Map<string, { env: string; stage: string }>();
  for (const r of requests) {
    if (r.target.kind === 'stage')
      stages.set(`${r.env}\n${r.target.stage}`, { env: r.env, stage: r.target.stage });
  }
  return [...stages.values()];
}

/** Execution id → source revisions, from one bounded release listing of each of `stages`. */
export async function revisionsOf(
  s: Pick<SlackServices, 'service'>,
  stages: ReadonlyArray<{ env: string; stage: string }>,
): Promise<Map<string, SourceRevision[]>> {
  const out = new Map<string, SourceRevision[]>();
  const lists = await Promise.all(
    stages.map((st) =>
      // Commits are a nicety: when AWS cannot be read, the execution ids are shown instead.
      s.service.releases(st.env, { stage: st.stage, limit: RELEASES_READ }).catch(() => []),
    ),
  );
  for (const c of lists.flat()) out.set(c.executionId, c.sourceRevisions);
  return out;
}

/** The last `limit` requests of these environments, newest first. */
export async function lastRequests(
  s: Pick<SlackServices, 'service'>,
  envs: readonly string[],
  limit: number,
): Promise<RollbackRequest[]> {
  const all = (await Promise.all(envs.map((n) => s.service.history(n, limit)))).flat();
  all.sort((a, b) => b.createdAt - a.createdAt);
  return all.slice(0, limit);
}

/** The rows `/rollback history` shows: commits, who approved, the thread. */
export async function historyRows(
  s: Pick<SlackServices, 'statusMessages'>,
  requests: readonly RollbackRequest[],
  revisions: ReadonlyMap<string, SourceRevision[]>,
): Promise<HistoryRow[]> {
  const threads = await Promise.all(requests.map((r) => s.statusMessages.get(r.id)));
  return requests.map((request, i): HistoryRow => {
    // Everyone whose approval counted; older records name only the last, in the decision.
    const approver = approverOfDecision(request.decision);
    const approvedBy = request.approvedBy?.length
      ? request.approvedBy
      : approver
        ? [approver]
        : undefined;
    const thread = threads[i];
    return {
      request,
      revisions,
      ...(approvedBy ? { approvedBy } : {}),
      ...(thread ? { thread } : {}),
    };
  });
}
