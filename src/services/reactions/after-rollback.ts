// After a rollback: escalate when it failed; when it succeeded, watch the alarms until they are
// OK (report the recovery time, or escalate after the limit), then offer to roll back the other
// environments running the same bad revision. Never another automatic rollback.

import { accountOf } from '../../aws/aws-clients.js';
import { readAlarms } from '../../aws/cloudwatch-adapter.js';
import {
  deploymentFacts,
  pipelineReleaseFacts,
  pipelineStageOrder,
} from '../../aws/release-facts.js';
import type { EnvironmentConfig } from '../../config/config.js';
import { propagationCandidates, runsBadRevision } from '../../domain/reactions/propagation.js';
import { recoveryStatus } from '../../domain/reactions/recovery.js';
import { describeDeployRevision, type SourceRevision } from '../../domain/releases.js';
import type { RecoveryCheckJob } from '../../jobs/queues.js';
import type { ThreadRef } from '../../store/reaction-store.js';
import { watchRead, watchStarted } from './alarm-watch.js';
import { ReactionBusy, type ReactionContext, whereOf } from './context.js';
import { updateFeed } from './deploy-feed.js';
import { startHealthProbe } from './health-probe.js';
import type { PropagationOfferView, ReactionNotice } from './reaction-notices.js';

/** How long a recovery report waits for the failure's notification thread to exist. */
const THREAD_WAIT_MS = 30_000;

export interface RollbackEnded {
  /** The AWS rollback execution / deployment (or the request id when AWS never started one). */
  rollbackId: string;
  stage?: string;
  /** The release that was rolled back, when known. */
  badReleaseId?: string;
  requestId?: string;
}

/** Where to tell the story: the notification thread of the bad release or of our request. */
async function threadFor(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: RollbackEnded,
): Promise<ThreadRef | undefined> {
  const ids = [r.rollbackId, r.requestId, r.badReleaseId].filter((x): x is string => !!x);
  const known = await ctx.store.thread(env.name, ids);
  if (known) return known;
  if (r.requestId) {
    const ref = await ctx.statusMessages.get(r.requestId);
    if (ref?.threadTs) return { channel: ref.channel, ts: ref.threadTs };
  }
  return undefined;
}

/** The request behind a rollback execution we (or a person through us) started, if any. */
export async function requestForRollback(
  ctx: ReactionContext,
  env: string,
  rollbackId: string,
): Promise<{ requestId: string; badReleaseId?: string } | undefined> {
  const r = (await ctx.service.history(env, 20)).find((x) => x.awsExecutionId === rollbackId);
  if (!r) return undefined;
  const t = r.target;
  const bad = t.kind === 'stage' ? t.currentExecutionId : t.currentDeploymentId;
  return { requestId: r.id, ...(bad ? { badReleaseId: bad } : {}) };
}

export async function escalateFailedRollback(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: RollbackEnded,
  detail: string,
): Promise<void> {
  const key = `${env.name}|${r.rollbackId}`;
  if ((await ctx.store.progress('escalation', key)).ts) return;
  const release = await ctx.store.lock('escalation', key, 15_000);
  if (!release) throw new ReactionBusy(`escalation ${key}`);
  try {
    if ((await ctx.store.progress('escalation', key)).ts) return;
    const thread = await threadFor(ctx, env, r);
    const ts = await ctx.slack.post(
      thread?.channel ?? env.channel,
      {
        notice: 'escalation',
        env: env.name,
        where: whereOf(env, r.stage),
        headline: 'Rollback failed',
        detail,
        mention: env.approval.approvers,
      },
      { ...(thread ? { threadTs: thread.ts } : {}), key: `escalation|${key}` },
    );
    await ctx.store.record('escalation', key, { ts });
  } finally {
    await release();
  }
}

export async function rollbackSucceeded(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: RollbackEnded,
): Promise<void> {
  const key = `${env.name}|${r.rollbackId}`;
  const p = await ctx.store.progress('recovery', key);
  if (!p.endedAt) {
    await ctx.store.record('recovery', key, {
      endedAt: String(ctx.now()),
      ended: JSON.stringify(r),
    });
  } else if (!p.ended?.includes('badReleaseId') && r.badReleaseId) {
    // A later report (the request follower) may know more than the first (the event).
    await ctx.store.record('recovery', key, { ended: JSON.stringify(r) });
  }
  if (r.requestId) await watchStarted(ctx, env, r.requestId, Number(p.endedAt ?? ctx.now()));
  await ctx.store.addRecoveryWatch(env.name, r.rollbackId);
  await ctx.timers.recoveryCheck({ env: env.name, rollbackId: r.rollbackId }, 0, 'first');
  const badId = r.badReleaseId;
  if (badId) {
    await updateFeed(ctx, env, {
      releaseId: badId,
      ...(r.stage ? { stage: r.stage } : {}),
      step: 'rolled-back',
      // A release the feed never showed (it was live before the bot, or was itself a
      // rollback): its commits come from AWS, so the line names a commit, not an execution.
      load: () => badRevisions(ctx, env, badId),
    });
  }
}

export async function checkRecovery(ctx: ReactionContext, job: RecoveryCheckJob): Promise<void> {
  const env = ctx.config.environments[job.env];
  if (!env) return;
  const key = `${env.name}|${job.rollbackId}`;
  const release = await ctx.store.lock('recovery', key, 30_000);
  if (!release) throw new ReactionBusy(`recovery ${key}`);
  try {
    const p = await ctx.store.progress('recovery', key);
    if (!p.endedAt || !p.ended || p.done) return;
    const ended = JSON.parse(p.ended) as RollbackEnded;
    const thread = await threadFor(ctx, env, ended);
    if (!thread && ended.badReleaseId && ctx.now() - Number(p.endedAt) < THREAD_WAIT_MS) {
      // The failure's notification may still be on its way (AWS's own rollback can finish
      // before we have posted about the failure): tell the story in its thread, not beside it.
      await ctx.timers.recoveryCheck(
        { env: env.name, rollbackId: job.rollbackId },
        250,
        `w${Math.floor(ctx.now() / 250)}`,
      );
      return;
    }
    const channel = thread?.channel ?? env.channel;
    // Beside the alarm watch, not after it: the URL answers long before alarms settle.
    await startHealthProbe(ctx, env, job.rollbackId, thread);
    if (!p.reported) {
      const readings = await readAlarms(ctx.aws, accountOf(env), env.alarms);
      const status = recoveryStatus({
        watched: env.alarms,
        readings,
        rollbackEndedAt: Number(p.endedAt),
        now: ctx.now(),
        limitMs: ctx.timings.recoveryLimitMs,
      });
      if (ended.requestId) await watchRead(ctx, env, ended.requestId, status, Number(p.endedAt));
      if (status.kind === 'waiting') {
        const slot = Math.floor(ctx.now() / ctx.timings.recoveryEveryMs);
        await ctx.timers.recoveryCheck(
          { env: env.name, rollbackId: job.rollbackId },
          ctx.timings.recoveryEveryMs,
          `s${slot}`,
        );
        return;
      }
      const msg: ReactionNotice =
        status.kind === 'recovered'
          ? {
              notice: 'recovery',
              env: env.name,
              outcome: 'recovered',
              afterMs: status.afterMs,
              alarms: env.alarms.filter((a) => !status.missing.includes(a)),
              missing: status.missing,
            }
          : {
              notice: 'recovery',
              env: env.name,
              outcome: 'not-recovered',
              afterMs: status.afterMs,
              alarms: env.alarms,
              notOk: status.notOk,
            };
      await ctx.slack.post(channel, msg, {
        ...(thread ? { threadTs: thread.ts } : {}),
        key: `recovery|${key}|${status.kind}`,
      });
      await ctx.store.record('recovery', key, { reported: status.kind });
      ctx.log.info({ env: env.name, rollbackId: job.rollbackId, status }, 'recovery reported');
    }
    if (!p.propagated) {
      await offerPropagation(ctx, env, ended, { channel, ...(thread ? { ts: thread.ts } : {}) });
      await ctx.store.record('recovery', key, { propagated: '1' });
    }
    await ctx.store.record('recovery', key, { done: '1' });
    await ctx.store.endRecoveryWatch(env.name, job.rollbackId);
  } finally {
    await release();
  }
}

async function badRevisions(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  releaseId: string,
): Promise<SourceRevision[]> {
  const t = env.target;
  if (t.kind === 'stage') {
    return (await pipelineReleaseFacts(ctx.aws, accountOf(env), t.pipeline, releaseId))
      .sourceRevisions;
  }
  return (await deploymentFacts(ctx.aws, accountOf(env), releaseId)).sourceRevisions;
}

async function offerPropagation(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  ended: RollbackEnded,
  where: { channel: string; ts?: string },
): Promise<void> {
  if (!ended.badReleaseId) return;
  // AWS is read only when another environment may run the release: most have none.
  let candidates = propagationCandidates(ctx.config, env, ended.stage);
  if (candidates.length === 0) return;
  const bad = await badRevisions(ctx, env, ended.badReleaseId);
  if (bad.length === 0) return;
  // The stage order only tells a later stage of the same pipeline from another one.
  if (env.target.kind === 'stage' && candidates.some((c) => c.why === 'same-pipeline')) {
    const order = await pipelineStageOrder(ctx.aws, accountOf(env), env.target.pipeline);
    candidates = propagationCandidates(ctx.config, env, ended.stage, order);
  }
  const views: PropagationOfferView[] = [];
  for (const c of candidates) {
    const other = ctx.config.environments[c.env];
    if (!other) continue;
    const p = await ctx.service
      .preview(c.env, { ...(c.stage ? { stage: c.stage } : {}), diff: false })
      .catch(() => undefined);
    if (!p?.ok) continue;
    const current: SourceRevision[] =
      p.kind === 'stage'
        ? p.current.sourceRevisions
        : p.current
          ? [{ actionName: 'revision', revisionId: describeDeployRevision(p.current.revision) }]
          : [];
    if (!runsBadRevision(bad, current)) continue;
    const offer = await ctx.offers.create(
      {
        kind: 'propagate',
        env: c.env,
        ...(c.stage ? { stage: c.stage } : {}),
        currentId: p.kind === 'stage' ? p.current.executionId : p.current?.deploymentId,
        reason: `Same bad revision as the release rolled back in ${env.name}`,
        createdBy: 'bot',
        channel: where.channel,
        ...(where.ts ? { threadTs: where.ts } : {}),
      },
      ctx.now(),
    );
    views.push({
      env: c.env,
      where: whereOf(other, c.stage),
      why: c.why.replace('-', ' '),
      offerId: offer.id,
      current,
    });
  }
  if (views.length === 0) return;
  const notice: ReactionNotice = { notice: 'propagation', bad, offers: views };
  const ts = await ctx.slack.post(where.channel, notice, {
    ...(where.ts ? { threadTs: where.ts } : {}),
    key: `propagation|${env.name}|${ended.rollbackId}`,
  });
  for (const v of views) await ctx.offers.update(v.offerId, { messageTs: ts });
}
