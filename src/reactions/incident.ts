// One incident: a failed stage or deployment, or an alarm during the bake window. Rolls back
// automatically when decided (before anything is posted: customer impact first), then posts the
// failure notification, announces the rollback in its thread and points the live status there.
// Every step is recorded, so a re-run (crash, Slack 429, duplicate event) resumes, never repeats.

import { accountOf } from '../aws/aws-clients.js';
import { readAlarms } from '../aws/cloudwatch-adapter.js';
import type { EnvironmentConfig } from '../config/config.js';
import { describeDeployRevision, type SourceRevision } from '../domain/releases.js';
import type { RollbackRequest } from '../domain/rollback-request.js';
import type { Preview, RequestOutcome } from '../services/rollback-service.js';
import { ReactionBusy, type ReactionContext, whereOf } from './context.js';
import { updateFeed } from './deploy-feed.js';
import type { NotificationOutcome, ReactionNotice } from './reaction-notices.js';

export interface Incident {
  kind: 'stage-failed' | 'deployment-failed' | 'alarm-during-bake';
  env: string;
  stage?: string;
  releaseId: string;
  sourceRevisions: SourceRevision[];
  trigger: 'failure' | 'alarm';
  autoRollback: boolean;
  awsRollingBack: boolean;
  awsRollbackId?: string;
  /** Why we act, for the request's audit and the announcement. */
  why: string;
}

interface LastGood {
  id: string;
  startTime: number;
  sourceRevisions: SourceRevision[];
}

interface PreviewFacts {
  ok: boolean;
  currentId?: string;
  lastGood?: LastGood;
  message?: string;
}

type RequestRecord =
  | { outcome: 'created'; id: string }
  | { outcome: 'refused'; message: string }
  | { outcome: 'already-active'; id: string }
  | { outcome: 'skipped'; message: string };

const KIND = 'incident';

export function incidentKey(i: Pick<Incident, 'env' | 'releaseId' | 'trigger'>): string {
  return `${i.env}|${i.releaseId}|${i.trigger}`;
}

/** Records the incident once; later calls keep the first facts (AWS changes under our own rollback). */
export async function seedIncident(ctx: ReactionContext, incident: Incident): Promise<Incident> {
  const key = incidentKey(incident);
  const p = await ctx.store.progress(KIND, key);
  if (p.incident) return JSON.parse(p.incident) as Incident;
  await ctx.store.record(KIND, key, { incident: JSON.stringify(incident) });
  return incident;
}

export async function loadIncident(
  ctx: ReactionContext,
  key: Pick<Incident, 'env' | 'releaseId' | 'trigger'>,
): Promise<Incident | undefined> {
  const p = await ctx.store.progress(KIND, incidentKey(key));
  return p.incident ? (JSON.parse(p.incident) as Incident) : undefined;
}

/** The failure notification of an incident, as first posted or with how it ended. */
async function notificationFor(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  i: Incident,
  preview: PreviewFacts,
  offerId: string,
  outcome?: NotificationOutcome,
): Promise<ReactionNotice> {
  const alarms = await readAlarms(ctx.aws, accountOf(env), env.alarms).catch((err: unknown) => {
    ctx.log.warn({ env: env.name, err: { message: (err as Error).message } }, 'alarms unreadable');
    return [];
  });
  return {
    notice: 'failure',
    env: i.env,
    kind: i.kind,
    where: whereOf(env, i.stage),
    failing: { id: i.releaseId, sourceRevisions: i.sourceRevisions },
    ...(preview.lastGood
      ? {
          lastGood: {
            id: preview.lastGood.id,
            startTime: new Date(preview.lastGood.startTime),
            sourceRevisions: preview.lastGood.sourceRevisions,
          },
        }
      : {}),
    alarms: alarms.map((a) => ({
      name: a.name,
      state: a.state,
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    offerId,
    awsRollingBack: i.awsRollingBack,
    ...(outcome ? { outcome } : {}),
    now: new Date(ctx.now()),
  };
}

/**
 * The notification ends in the truth: once the automatic rollback it started has ended, it says
 * how, and its "Roll back" button is gone.
 */
export async function settleNotification(ctx: ReactionContext, r: RollbackRequest): Promise<void> {
  const trigger =
    r.source === 'auto-failure' ? 'failure' : r.source === 'auto-alarm' ? 'alarm' : undefined;
  const env = ctx.config.environments[r.env];
  const t = r.target;
  const releaseId = t.kind === 'stage' ? t.currentExecutionId : t.currentDeploymentId;
  if (!trigger || !env || !releaseId) return;
  const key = incidentKey({ env: r.env, releaseId, trigger });
  const p = await ctx.store.progress(KIND, key);
  if (!p.ts || !p.offerId || !p.preview || !p.incident || p.settled === r.state) return;
  const i = JSON.parse(p.incident) as Incident;
  const preview = JSON.parse(p.preview) as PreviewFacts;
  const outcome: NotificationOutcome =
    r.state === 'succeeded'
      ? {
          kind: 'rolled-back',
          text: `Rolled back automatically (request ${r.id}). Details in the thread.`,
        }
      : {
          kind: 'rollback-failed',
          text: `The automatic rollback ${r.state === 'failed' ? 'failed' : `ended ${r.state}`} (request ${r.id}); a person has to look. Details in the thread.`,
        };
  await ctx.slack.update(
    env.channel,
    p.ts,
    await notificationFor(ctx, env, i, preview, p.offerId, outcome),
  );
  await ctx.store.record(KIND, key, { settled: r.state });
}

function previewFacts(p: Preview): PreviewFacts {
  if (!p.ok) return { ok: false, message: p.message };
  if (p.kind === 'stage') {
    return {
      ok: true,
      currentId: p.current.executionId,
      lastGood: {
        id: p.target.executionId,
        startTime: p.target.startTime.getTime(),
        sourceRevisions: p.target.sourceRevisions,
      },
    };
  }
  return {
    ok: true,
    ...(p.current ? { currentId: p.current.deploymentId } : {}),
    ...(p.target
      ? {
          lastGood: {
            id: p.target.deploymentId,
            startTime: p.target.createTime.getTime(),
            sourceRevisions: [
              { actionName: 'revision', revisionId: describeDeployRevision(p.target.revision) },
            ],
          },
        }
      : {}),
  };
}

/** An automatic request for this release made earlier (a re-run after a crash finds it). */
async function findEarlierRequest(
  ctx: ReactionContext,
  i: Incident,
): Promise<RollbackRequest | undefined> {
  const recent = await ctx.service.history(i.env, 20);
  return recent.find((r) => {
    if (r.source !== `auto-${i.trigger}`) return false;
    const t = r.target;
    const current = t.kind === 'stage' ? t.currentExecutionId : t.currentDeploymentId;
    return current === i.releaseId;
  });
}

function toRecord(out: RequestOutcome): RequestRecord {
  if (out.outcome === 'created') return { outcome: 'created', id: out.request.id };
  if (out.outcome === 'refused') return { outcome: 'refused', message: out.message };
  return { outcome: 'already-active', id: out.active.requestId };
}

export async function handleIncident(ctx: ReactionContext, incident: Incident): Promise<void> {
  const key = incidentKey(incident);
  const env = ctx.config.environments[incident.env];
  if (!env) return;
  const release = await ctx.store.lock(KIND, key, 30_000);
  if (!release) throw new ReactionBusy(`incident ${key}`);
  try {
    await run(ctx, env, incident, key);
  } finally {
    await release();
  }
}

async function run(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  i: Incident,
  key: string,
): Promise<void> {
  const p = await ctx.store.progress(KIND, key);
  if (p.done) return;
  const save = (fields: Record<string, string>) => {
    Object.assign(p, fields);
    return ctx.store.record(KIND, key, fields);
  };

  // 0. The release is bad here from now on: never offered as "last good" again.
  if (!p.standing) {
    await ctx.service.recordBad({
      env: i.env,
      ...(i.stage ? { stage: i.stage } : {}),
      releaseId: i.releaseId,
      kind: i.trigger === 'alarm' ? 'alarm' : 'failed',
      why: i.why,
      by: 'aws',
    });
    await save({ standing: 'recorded' });
  }

  // 1. What a rollback would do (for the notification, and to check it still targets this release).
  let preview: PreviewFacts;
  // Read in this run: the request below uses the same reads rather than reading AWS again.
  let live: Preview | undefined;
  if (p.preview) preview = JSON.parse(p.preview) as PreviewFacts;
  else {
    // No diff: the notification shows the releases, not what changes between them.
    // Same options as the read started with the facts (react-to-event.ts): shared, not re-read.
    live = await ctx.service.preview(i.env, {
      ...(i.stage ? { stage: i.stage } : {}),
      diff: false,
      reads: ctx.aws,
    });
    preview = previewFacts(live);
    await save({ preview: JSON.stringify(preview) });
  }

  // 2. The automatic rollback, once.
  let request: RequestRecord | undefined = p.request
    ? (JSON.parse(p.request) as RequestRecord)
    : undefined;
  if (i.autoRollback && !request) {
    const earlier = await findEarlierRequest(ctx, i);
    if (earlier) request = { outcome: 'created', id: earlier.id };
    else if (!preview.ok) request = { outcome: 'skipped', message: preview.message ?? 'no target' };
    else if (preview.currentId && preview.currentId !== i.releaseId) {
      request = {
        outcome: 'skipped',
        message: `a newer release (${preview.currentId.slice(0, 8)}) is already in ${whereOf(env, i.stage)}`,
      };
    } else {
      request = toRecord(
        await ctx.service.request({
          env: i.env,
          ...(i.stage ? { stage: i.stage } : {}),
          requestedBy: { kind: 'auto', reason: i.why },
          reason: i.why,
          source: `auto-${i.trigger}`,
          ...(live ? { preview: live } : {}),
        }),
      );
      ctx.log.info({ env: i.env, releaseId: i.releaseId, request }, 'automatic rollback requested');
    }
    await save({ request: JSON.stringify(request) });
  }
  const requestId = request?.outcome === 'created' ? request.id : undefined;

  // 3. The offer behind the notification's buttons (used already when we rolled back).
  if (!p.offerId) {
    const offer = await ctx.offers.create(
      {
        kind: 'failure',
        env: i.env,
        ...(i.stage ? { stage: i.stage } : {}),
        currentId: i.releaseId,
        ...(preview.lastGood ? { to: preview.lastGood.id } : {}),
        reason: i.why,
        createdBy: 'bot',
        channel: env.channel,
      },
      ctx.now(),
    );
    if (requestId) await ctx.offers.claim(offer.id, { requestId, at: ctx.now() });
    await save({ offerId: offer.id });
  }
  const offerId = p.offerId!;

  // 4. The notification. With a rollback under way it says so, with no live "Roll back" button.
  if (!p.ts) {
    const msg = await notificationFor(
      ctx,
      env,
      i,
      preview,
      offerId,
      requestId
        ? {
            kind: 'rolling-back',
            text: `Rolling back automatically (request ${requestId}); the live status is in the thread.`,
          }
        : undefined,
    );
    const ts = await ctx.slack.post(env.channel, msg, { key: `incident|${key}|notification` });
    await save({ ts });
    await ctx.offers.update(offerId, { messageTs: ts });
    const ref = { channel: env.channel, ts };
    await ctx.store.setThread(i.env, i.releaseId, ref);
    if (i.awsRollbackId) await ctx.store.setThread(i.env, i.awsRollbackId, ref);
  }
  const ts = p.ts!;

  // 5. In the thread: who rolls back what and why, then the live status.
  if (requestId && !p.announced) {
    // Within the environment's grace period the announcement carries the Cancel button.
    const queued = await ctx.service.get(requestId);
    const grace =
      queued?.state === 'queued' && queued.runAfter && queued.runAfter > ctx.now()
        ? {
            graceMs: queued.runAfter - (queued.queuedAt ?? queued.createdAt),
            runAfter: queued.runAfter,
          }
        : undefined;
    await ctx.slack.post(
      env.channel,
      {
        notice: 'auto-rollback',
        env: i.env,
        where: whereOf(env, i.stage),
        trigger: i.trigger,
        why: i.why,
        requestId,
        ...(grace ? { grace } : {}),
        ...(preview.lastGood
          ? {
              target: {
                id: preview.lastGood.id,
                sourceRevisions: preview.lastGood.sourceRevisions,
              },
            }
          : {}),
      },
      { threadTs: ts, key: `incident|${key}|announcement` },
    );
    await save({ announced: '1' });
  }
  if (requestId && !p.statusSet) {
    await ctx.statusMessages.set(requestId, { channel: env.channel, threadTs: ts });
    const r = await ctx.service.get(requestId);
    if (r) await ctx.scheduleStatus(r);
    await ctx.store.setThread(i.env, requestId, { channel: env.channel, ts });
    await ctx.timers.followRequest({ env: i.env, requestId }, 0);
    await save({ statusSet: '1' });
  }
  if (i.autoRollback && !requestId && request && !p.notStarted) {
    const why =
      request.outcome === 'already-active'
        ? `a rollback of this target is already running (request ${request.id}).`
        : 'message' in request
          ? request.message
          : 'the engine did not start it.';
    await ctx.slack.post(
      env.channel,
      { notice: 'auto-rollback-not-started', env: i.env, why },
      {
        threadTs: ts,
        key: `incident|${key}|not-started`,
      },
    );
    await save({ notStarted: '1' });
  }

  await updateFeed(ctx, env, {
    releaseId: i.releaseId,
    ...(i.stage ? { stage: i.stage } : {}),
    sourceRevisions: i.sourceRevisions,
    step:
      i.kind === 'alarm-during-bake'
        ? 'bake-alarm'
        : i.awsRollingBack
          ? 'aws-rolling-back'
          : 'failed',
  });
  await save({ done: '1' });
}
