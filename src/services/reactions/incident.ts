// One incident: a failed stage or deployment, or an alarm during the bake window. Rolls back
// automatically when decided (before anything is posted: customer impact first), then posts the
// failure notification, announces the rollback in its thread and points the live status there.
// Every step is recorded (incident-record.ts), so a re-run (crash, Slack 429, duplicate event)
// resumes, never repeats.
import type { EnvironmentConfig } from '../../config/config.js';
import { planAutoRollback } from '../../domain/reactions/auto-rollback-plan.js';
import type { FeedStep } from '../../domain/reactions/feed-state.js';
import type { Preview } from '../rollback-service.js';
import { ReactionBusy, type ReactionContext, whereOf } from './context.js';
import { updateFeed } from './deploy-feed.js';
import { failureNotification } from './failure-notification.js';
import {
  findEarlierRequest,
  INCIDENT,
  type Incident,
  incidentKey,
  type PreviewFacts,
  previewFacts,
  type RequestRecord,
  requestRecord,
  whyNotStarted,
} from './incident-record.js';

/** One run of an incident's steps, over its progress record. */
interface Run {
  ctx: ReactionContext;
  env: EnvironmentConfig;
  i: Incident;
  key: string;
  /** The progress record as it stands; `save` keeps it and Redis in step. */
  p: Record<string, string>;
  save(fields: Record<string, string>): Promise<void>;
}

export async function handleIncident(ctx: ReactionContext, incident: Incident): Promise<void> {
  const key = incidentKey(incident);
  const env = ctx.config.environments[incident.env];
  if (!env) return;
  const release = await ctx.store.lock(INCIDENT, key, 30_000);
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
  const p = await ctx.store.progress(INCIDENT, key);
  if (p.done) return;
  const r: Run = {
    ctx,
    env,
    i,
    key,
    p,
    save: (fields) => {
      Object.assign(p, fields);
      return ctx.store.record(INCIDENT, key, fields);
    },
  };
  await recordBadOnce(r);
  const { preview, live } = await previewOnce(r);
  const request = await requestOnce(r, preview, live);
  const requestId = request?.outcome === 'created' ? request.id : undefined;
  const offerId = await offerOnce(r, preview, requestId);
  const ts = await notifyOnce(r, preview, offerId, requestId);
  if (request?.outcome === 'created') {
    await announceOnce(r, preview, request.id, ts);
    await statusInThreadOnce(r, request.id, ts);
  } else if (i.autoRollback && request) {
    await sayNotStartedOnce(r, request, ts);
  }
  await updateFeed(ctx, env, {
    releaseId: i.releaseId,
    ...(i.stage ? { stage: i.stage } : {}),
    sourceRevisions: i.sourceRevisions,
    step: feedStepOf(i),
  });
  await r.save({ done: '1' });
}

/** 0. The release is bad here from now on: never offered as "last good" again. */
async function recordBadOnce({ ctx, i, p, save }: Run): Promise<void> {
  if (p.standing) return;
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

/**
 * 1. What a rollback would do (for the notification, and to check it still targets this release).
 * `live` is what this run read: the request uses the same reads rather than reading AWS again.
 */
async function previewOnce({
  ctx,
  i,
  p,
  save,
}: Run): Promise<{ preview: PreviewFacts; live?: Preview }> {
  if (p.preview) return { preview: JSON.parse(p.preview) as PreviewFacts };
  // No diff: the notification shows the releases, not what changes between them.
  // Same options as the read started with the facts (release-failed.ts): shared, not re-read.
  const live = await ctx.service.preview(i.env, {
    ...(i.stage ? { stage: i.stage } : {}),
    diff: false,
    reads: ctx.aws,
  });
  const preview = previewFacts(live);
  await save({ preview: JSON.stringify(preview) });
  return { preview, live };
}

/** 2. The automatic rollback, once. */
async function requestOnce(
  r: Run,
  preview: PreviewFacts,
  live: Preview | undefined,
): Promise<RequestRecord | undefined> {
  if (r.p.request) return JSON.parse(r.p.request) as RequestRecord;
  if (!r.i.autoRollback) return undefined;
  const request = await automaticRequest(r, preview, live);
  await r.save({ request: JSON.stringify(request) });
  return request;
}

async function automaticRequest(
  { ctx, env, i }: Run,
  preview: PreviewFacts,
  live: Preview | undefined,
): Promise<RequestRecord> {
  const earlier = await findEarlierRequest(ctx, i);
  if (earlier) return { outcome: 'created', id: earlier.id };
  const plan = planAutoRollback({ releaseId: i.releaseId, preview, where: whereOf(env, i.stage) });
  if (plan.kind === 'skip') return { outcome: 'skipped', message: plan.why };
  const request = requestRecord(
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
  return request;
}

/** 3. The offer behind the notification's buttons (used already when we rolled back). */
async function offerOnce(
  { ctx, env, i, p, save }: Run,
  preview: PreviewFacts,
  requestId: string | undefined,
): Promise<string> {
  if (p.offerId) return p.offerId;
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
  return offer.id;
}

/** 4. The notification. With a rollback under way it says so, with no live "Roll back" button. */
async function notifyOnce(
  { ctx, env, i, key, p, save }: Run,
  preview: PreviewFacts,
  offerId: string,
  requestId: string | undefined,
): Promise<string> {
  if (p.ts) return p.ts;
  const msg = await failureNotification(
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
  return ts;
}

/** 5. In the thread: who rolls back what and why; within the grace period, with Cancel. */
async function announceOnce(
  { ctx, env, i, key, p, save }: Run,
  preview: PreviewFacts,
  requestId: string,
  ts: string,
): Promise<void> {
  if (p.announced) return;
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

/** 6. The request's live status in the thread, and the follower that hands over when it ends. */
async function statusInThreadOnce(
  { ctx, env, i, p, save }: Run,
  requestId: string,
  ts: string,
): Promise<void> {
  if (p.statusSet) return;
  await ctx.statusMessages.set(requestId, { channel: env.channel, threadTs: ts });
  const r = await ctx.service.get(requestId);
  if (r) await ctx.scheduleStatus(r);
  await ctx.store.setThread(i.env, requestId, { channel: env.channel, ts });
  await ctx.timers.followRequest({ env: i.env, requestId }, 0);
  await save({ statusSet: '1' });
}

/** 5'. The policy asked for a rollback that did not start: why, in the thread. */
async function sayNotStartedOnce(
  { ctx, env, i, key, p, save }: Run,
  request: Exclude<RequestRecord, { outcome: 'created' }>,
  ts: string,
): Promise<void> {
  if (p.notStarted) return;
  await ctx.slack.post(
    env.channel,
    { notice: 'auto-rollback-not-started', env: i.env, why: whyNotStarted(request) },
    { threadTs: ts, key: `incident|${key}|not-started` },
  );
  await save({ notStarted: '1' });
}

function feedStepOf(i: Incident): FeedStep {
  if (i.kind === 'alarm-during-bake') return 'bake-alarm';
  return i.awsRollingBack ? 'aws-rolling-back' : 'failed';
}
