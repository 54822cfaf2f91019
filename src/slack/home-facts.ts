// What the App Home shows, read through the same services as /rollback status and history
// (report-views.ts): once per refresh for everyone (`readHomeFacts`: each environment's status,
// its live release as the rollback preview reads it, the last rollbacks with their commits as
// /rollback history reads them, what waits for approval), then per person (`homeViewFor`: the environments they may act on, the approvals
// they may give, their last click's answer). No AWS read of its own.
import type { EnvironmentConfig } from '../config/config.js';
import { describeDeployRevision, type SourceRevision } from '../domain/releases.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import { PrincipalsUnavailableError } from '../services/principals.js';
import type { GroupRecord } from '../store/group-store.js';
import type { HomeAnswer } from '../store/home-tab-store.js';
import { permitted } from './authorize.js';
import type { HistoryRow } from './blocks/history-report.js';
import type { HomeEnvView, HomeRelease, HomeViewInput, HomeWaiting } from './blocks/home-view.js';
import type { EnvStatusView } from './blocks/status-report.js';
import { envStatusView, historyRows, lastRequests, revisionsOf, stagesOf } from './report-views.js';
import type { SlackServices } from './slack-services.js';

/** How many of the last rollbacks the Home tab shows. */
export const HOME_HISTORY = 5;

export type HomeFactsDeps = Pick<
  SlackServices,
  'config' | 'service' | 'guardrails' | 'groups' | 'statusMessages' | 'principals' | 'now'
>;

/** What every viewer's Home shares, read once per refresh. */
export interface HomeFacts {
  at: number;
  envs: Array<{ env: EnvironmentConfig; status: EnvStatusView; releases: HomeRelease[] }>;
  history: HistoryRow[];
  revisions: ReadonlyMap<string, SourceRevision[]>;
  /** Requests waiting for an approval, each with where its thread is. */
  requests: Array<{ request: RollbackRequest; thread?: HistoryRow['thread'] }>;
  groups: GroupRecord[];
}

const stagesOfEnv = (env: EnvironmentConfig) =>
  env.target.kind === 'stage' ? Object.keys(env.target.stages) : [];

/**
 * The live release of each guarded stage, or of the CodeDeploy group, as the rollback preview
 * reads it (the same reads a Roll back click makes; one running at the same time is shared), with
 * its standing. A preview that cannot be made (AWS unreadable) says nothing; one with no earlier
 * release to go back to still names the live one.
 */
async function releasesOf(d: HomeFactsDeps, env: EnvironmentConfig): Promise<HomeRelease[]> {
  const stages = stagesOfEnv(env);
  const aims = stages.length > 0 ? stages : [undefined];
  return Promise.all(
    aims.map(async (stage): Promise<HomeRelease> => {
      const named = stage && stages.length > 1 ? { stage } : {};
      const p = await d.service
        .preview(env.name, { ...(stage ? { stage } : {}), diff: false })
        .catch(() => undefined);
      if (p?.ok && p.kind === 'deployment-group') {
        if (!p.current) return named;
        const revision = describeDeployRevision(p.current.revision);
        return { ...named, deployment: { id: p.current.deploymentId, revision } };
      }
      // With no earlier release to go back to, what is live is still known.
      const live = p?.ok ? { release: p.current, bad: p.currentBad } : p?.live;
      if (!live) return named;
      return {
        ...named,
        executionId: live.release.executionId,
        revisions: live.release.sourceRevisions,
        bad: live.bad.map((b) => b.why),
      };
    }),
  );
}

export async function readHomeFacts(d: HomeFactsDeps): Promise<HomeFacts> {
  const at = d.now();
  const envs = Object.values(d.config.environments);
  const [statuses, releases, requests, groups] = await Promise.all([
    Promise.all(envs.map((e) => envStatusView(d, e))),
    Promise.all(envs.map((e) => releasesOf(d, e))),
    lastRequests(
      d,
      envs.map((e) => e.name),
      HOME_HISTORY,
    ),
    d.groups ? d.groups.awaitingApproval() : Promise.resolve([]),
  ]);
  const waiting = statuses.flatMap((s) => s.active.filter((r) => r.state === 'awaiting_approval'));
  // The commits of the rollbacks shown, as /rollback history names them.
  const [revisions, threads] = await Promise.all([
    revisionsOf(d, stagesOf([...requests, ...waiting])),
    Promise.all(waiting.map((r) => d.statusMessages.get(r.id))),
  ]);
  // The live releases' commits too (a release failing in its stage is in no listing of those
  // that succeeded there).
  for (const r of releases.flat()) {
    if (r.executionId && r.revisions) revisions.set(r.executionId, [...r.revisions]);
  }
  const history = await historyRows(d, requests, revisions);
  return {
    at,
    envs: envs.map((env, i) => ({ env, status: statuses[i]!, releases: releases[i]! })),
    history,
    revisions,
    requests: waiting.map((request, i) => {
      const thread = threads[i];
      return thread ? { request, thread } : { request };
    }),
    groups,
  };
}

async function isApprover(d: HomeFactsDeps, env: EnvironmentConfig, user: string) {
  try {
    return await d.principals.includes(env.approval.approvers, user);
  } catch (err) {
    if (err instanceof PrincipalsUnavailableError) return false;
    throw err;
  }
}

/** What `user` may do in each environment; those where they may do nothing are left out. */
async function envsFor(d: HomeFactsDeps, f: HomeFacts, user: string): Promise<HomeEnvView[]> {
  const views = await Promise.all(
    f.envs.map(async ({ env, status, releases }): Promise<HomeEnvView> => {
      const scope = { act: 'request' as const, env };
      const [anywhere, fromChannel, approver] = await Promise.all([
        permitted(d, { scope, user }),
        permitted(d, { scope, user, channel: env.channel }),
        isApprover(d, env, user),
      ]);
      const mayRequest = anywhere ? 'yes' : fromChannel ? 'from-channel' : 'no';
      return { status, releases, mayRequest, mayApprove: approver };
    }),
  );
  return views.filter((v) => v.mayRequest !== 'no' || v.mayApprove);
}

/** The approvals `user` may give now, soonest deadline first. */
async function waitingFor(d: HomeFactsDeps, f: HomeFacts, user: string): Promise<HomeWaiting[]> {
  const flow = d.guardrails?.approvals;
  const requests = flow
    ? await Promise.all(
        f.requests.map(async ({ request, thread }): Promise<HomeWaiting | undefined> => {
          const a = await flow.awaitingFrom(request.id, user);
          if (!a) return undefined;
          return {
            kind: 'request',
            request,
            required: a.required,
            expiresAt: a.expiresAt,
            revisions: f.revisions,
            ...(thread ? { thread } : {}),
          };
        }),
      )
    : [];
  const groups = await Promise.all(
    f.groups.map(async (g): Promise<HomeWaiting | undefined> => {
      const a = await d.groups?.awaitingFrom(g.plan.id, user);
      if (!a) return undefined;
      return {
        kind: 'group',
        id: g.plan.id,
        group: g.plan.group,
        requesterId: g.plan.requesterId,
        ...(g.plan.reason ? { reason: g.plan.reason } : {}),
        members: g.plan.members,
        required: a.required,
        expiresAt: a.expiresAt,
      };
    }),
  );
  return [...requests, ...groups]
    .filter((w): w is HomeWaiting => w !== undefined)
    .sort((a, b) => a.expiresAt - b.expiresAt);
}

/** One person's Home, from the shared facts. */
export async function homeViewFor(
  d: HomeFactsDeps,
  f: HomeFacts,
  user: string,
  answer: HomeAnswer | undefined,
): Promise<HomeViewInput> {
  const [envs, waiting] = await Promise.all([envsFor(d, f, user), waitingFor(d, f, user)]);
  return { user, at: f.at, ...(answer ? { answer } : {}), waiting, envs, history: f.history };
}
