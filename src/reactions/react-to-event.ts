// One domain event → the reactions of every environment it concerns.

import { accountOf } from '../aws/aws-clients.js';
import { readAlarms } from '../aws/cloudwatch-adapter.js';
import {
  deploymentFacts,
  pipelineAwsRollback,
  pipelineReleaseFacts,
  type ReleaseFacts,
} from '../aws/release-facts.js';
import type { EnvironmentConfig } from '../config/config.js';
import { alarmTripsWindow, bakeEndOutcome, openBakeWindow } from '../domain/bake-window.js';
import type {
  AlarmEvent,
  DeploymentEvent,
  DomainEvent,
  StageEvent,
} from '../events/domain-event.js';
import { routeEvent } from '../events/route-event.js';
import type { BakeEndJob } from '../jobs/queues.js';
import { escalateFailedRollback, requestForRollback, rollbackSucceeded } from './after-rollback.js';
import { autoRollsBackOn } from './auto-policy.js';
import type { ReactionContext } from './context.js';
import { decideFailure } from './decide-failure.js';
import { updateFeed } from './deploy-feed.js';
import { handleIncident, type Incident, loadIncident, seedIncident } from './incident.js';

type ReleaseEvent = StageEvent | DeploymentEvent;

interface Release {
  releaseId: string;
  stage?: string;
  /** AWS time of the event (ms). */
  at: number;
}

function releaseOf(e: ReleaseEvent): Release {
  return 'deploymentId' in e
    ? { releaseId: e.deploymentId, at: Date.parse(e.time) }
    : { releaseId: e.executionId, stage: e.stage, at: Date.parse(e.time) };
}

async function facts(ctx: ReactionContext, env: EnvironmentConfig, r: Release) {
  const t = env.target;
  if (t.kind === 'stage') {
    const f = await pipelineReleaseFacts(ctx.aws, accountOf(env), t.pipeline, r.releaseId);
    return { ...f, triggeringId: f.how === 'AutomatedRollback' ? f.triggerDetail : undefined };
  }
  return deploymentFacts(ctx.aws, accountOf(env), r.releaseId);
}

export async function reactToEvent(ctx: ReactionContext, event: DomainEvent): Promise<void> {
  const envs = routeEvent(ctx.config, event);
  let failure: unknown;
  for (const name of envs) {
    const env = ctx.config.environments[name];
    if (!env) continue;
    try {
      await reactInEnvironment(ctx, env, event);
    } catch (err) {
      // The other environments still get their reaction; the job is retried for this one.
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

async function reactInEnvironment(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  e: DomainEvent,
): Promise<void> {
  switch (e.type) {
    case 'StageStarted':
    case 'DeploymentStarted':
      return started(ctx, env, releaseOf(e));
    case 'StageSucceeded':
    case 'DeploymentSucceeded':
      return succeeded(ctx, env, releaseOf(e));
    case 'StageFailed':
    case 'DeploymentFailed':
      return failed(
        ctx,
        env,
        releaseOf(e),
        e.type === 'StageFailed' ? 'stage-failed' : 'deployment-failed',
      );
    case 'AlarmRaised':
      return alarmRaised(ctx, env, e);
    case 'AlarmCleared':
      return alarmCleared(ctx, env, e);
    default:
      return undefined;
  }
}

async function started(ctx: ReactionContext, env: EnvironmentConfig, r: Release): Promise<void> {
  if (env.feed === 'off') return;
  const f = await facts(ctx, env, r);
  if (f.isRollback) return; // the rollback's own status message tells that story
  await updateFeed(ctx, env, {
    releaseId: r.releaseId,
    ...(r.stage ? { stage: r.stage } : {}),
    sourceRevisions: f.sourceRevisions,
    step: 'started',
  });
}

async function succeeded(ctx: ReactionContext, env: EnvironmentConfig, r: Release): Promise<void> {
  const f = await facts(ctx, env, r);
  if (f.isRollback) {
    const ours = await requestForRollback(ctx, env.name, r.releaseId);
    const requestId = ours?.requestId ?? (f as ReleaseFacts).requestId;
    const bad = ours?.badReleaseId ?? f.triggeringId;
    await rollbackSucceeded(ctx, env, {
      rollbackId: r.releaseId,
      ...(r.stage ? { stage: r.stage } : {}),
      ...(bad ? { badReleaseId: bad } : {}),
      ...(requestId ? { requestId } : {}),
    });
    return;
  }
  const window = openBakeWindow({
    env: env.name,
    ...(r.stage ? { stage: r.stage } : {}),
    releaseId: r.releaseId,
    sourceRevisions: f.sourceRevisions,
    startedAt: r.at,
    bakeMs: env.bakeMs,
  });
  await ctx.store.openBakeWindow(window);
  await updateFeed(ctx, env, {
    releaseId: r.releaseId,
    ...(r.stage ? { stage: r.stage } : {}),
    sourceRevisions: f.sourceRevisions,
    step: 'succeeded',
  });
  // Idempotent job id: a duplicate event adds nothing.
  await ctx.timers.bakeEnd(
    { env: env.name, ...(r.stage ? { stage: r.stage } : {}), releaseId: r.releaseId },
    ctx.timings.bakeCheckDelayMs ?? env.bakeMs,
  );
}

async function failed(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: Release,
  kind: 'stage-failed' | 'deployment-failed',
): Promise<void> {
  const existing = await loadIncident(ctx, {
    env: env.name,
    releaseId: r.releaseId,
    trigger: 'failure',
  });
  if (existing) return handleIncident(ctx, existing);
  // The incident's preview (the target, for the notification and the automatic rollback) reads
  // alongside the release's facts rather than after them: the same read scope shares what both
  // ask for, and the incident picks the preview up, in flight or read (src/aws/read-scope.ts).
  void ctx.service
    .preview(env.name, { ...(r.stage ? { stage: r.stage } : {}), diff: false, reads: ctx.aws })
    .catch(() => undefined);
  const f = await facts(ctx, env, r);
  const t = env.target;
  if (f.isRollback) {
    const ours = await requestForRollback(ctx, env.name, r.releaseId);
    const requestId = ours?.requestId ?? (f as ReleaseFacts).requestId;
    const bad = ours?.badReleaseId ?? f.triggeringId;
    return escalateFailedRollback(
      ctx,
      env,
      {
        rollbackId: r.releaseId,
        ...(r.stage ? { stage: r.stage } : {}),
        ...(bad ? { badReleaseId: bad } : {}),
        ...(requestId ? { requestId } : {}),
      },
      `The rollback execution ${r.releaseId} failed (${f.how ?? 'rollback'}).`,
    );
  }
  const aws =
    'awsRollback' in f
      ? f.awsRollback
      : t.kind === 'stage' && r.stage
        ? await pipelineAwsRollback(ctx.aws, accountOf(env), t.pipeline, r.stage, r.releaseId)
        : { rollingBack: false };
  const decision = decideFailure({
    policy: env.autoRollback,
    failingIsRollback: false,
    awsRollingBack: aws.rollingBack,
    // The incident's preview finds the target; a refusal there is reported in the thread.
    hasLastGood: true,
  });
  if (decision.kind === 'escalate') return; // not reached: rollbacks are handled above
  const what = t.kind === 'stage' ? `${r.stage} stage failed in execution` : 'Deployment failed:';
  const incident: Incident = {
    kind,
    env: env.name,
    ...(r.stage ? { stage: r.stage } : {}),
    releaseId: r.releaseId,
    sourceRevisions: f.sourceRevisions,
    trigger: 'failure',
    autoRollback: decision.autoRollback,
    awsRollingBack: decision.awsRollingBack,
    ...(aws.rollbackId ? { awsRollbackId: aws.rollbackId } : {}),
    why: `${what} ${r.releaseId}.`,
  };
  await handleIncident(ctx, await seedIncident(ctx, incident));
}

function windowStages(env: EnvironmentConfig): Array<string | undefined> {
  return env.target.kind === 'stage' ? Object.keys(env.target.stages) : [undefined];
}

async function alarmRaised(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  e: AlarmEvent,
): Promise<void> {
  if (!env.alarms.includes(e.alarmName)) return;
  const at = Date.parse(e.stateTime ?? e.time);
  for (const stage of windowStages(env)) {
    const w = await ctx.store.bakeWindow(env.name, stage);
    if (!w) continue;
    if (alarmTripsWindow(w, env.alarms, { name: e.alarmName, at })) {
      await tripWindow(
        ctx,
        env,
        w.releaseId,
        stage,
        w.sourceRevisions,
        `Alarm ${e.alarmName} went to ALARM during the bake window of ${w.releaseId}.`,
      );
    } else if (w.state === 'tripped') {
      // A re-run after a crash or a 429: finish what the first run started.
      const i = await loadIncident(ctx, {
        env: env.name,
        releaseId: w.releaseId,
        trigger: 'alarm',
      });
      if (i) await handleIncident(ctx, i);
    }
  }
}

async function tripWindow(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  releaseId: string,
  stage: string | undefined,
  sourceRevisions: Incident['sourceRevisions'],
  why: string,
): Promise<void> {
  // Seed first, close second: a crash in between leaves an incident the next run finishes.
  const incident = await seedIncident(ctx, {
    kind: 'alarm-during-bake',
    env: env.name,
    ...(stage ? { stage } : {}),
    releaseId,
    sourceRevisions,
    trigger: 'alarm',
    autoRollback: autoRollsBackOn(env.autoRollback, 'alarm'),
    awsRollingBack: false,
    why,
  });
  await ctx.store.closeBakeWindow(env.name, stage, releaseId, 'tripped');
  const w = await ctx.store.bakeWindow(env.name, stage);
  if (w?.releaseId === releaseId && w.state === 'tripped') await handleIncident(ctx, incident);
}

async function alarmCleared(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  e: AlarmEvent,
): Promise<void> {
  if (!env.alarms.includes(e.alarmName)) return;
  // Events first: a recovery is noticed when it happens, not at the next periodic read.
  for (const rollbackId of await ctx.store.recoveryWatches(env.name)) {
    await ctx.timers.recoveryCheck({ env: env.name, rollbackId }, 0, `ev-${e.id}`);
  }
}

/** The bake window's end: DescribeAlarms as the backstop, then "bake passed" or the incident. */
export async function bakeEnded(ctx: ReactionContext, job: BakeEndJob): Promise<void> {
  const env = ctx.config.environments[job.env];
  if (!env) return;
  let w = await ctx.store.bakeWindow(env.name, job.stage);
  if (!w || w.releaseId !== job.releaseId) return; // a newer release replaced it
  if (w.state === 'open') {
    const readings = await readAlarms(ctx.aws, accountOf(env), env.alarms);
    const end = bakeEndOutcome(w, job.releaseId, readings);
    if (end.kind === 'tripped') {
      await tripWindow(
        ctx,
        env,
        w.releaseId,
        job.stage,
        w.sourceRevisions,
        `Alarm ${end.firing.join(', ')} was in ALARM at the end of the bake window of ${w.releaseId}.`,
      );
      return;
    }
    if (end.kind === 'passed')
      await ctx.store.closeBakeWindow(env.name, job.stage, job.releaseId, 'passed');
    w = await ctx.store.bakeWindow(env.name, job.stage);
  }
  if (w?.releaseId !== job.releaseId) return;
  if (w.state === 'passed') {
    await updateFeed(ctx, env, {
      releaseId: w.releaseId,
      ...(job.stage ? { stage: job.stage } : {}),
      sourceRevisions: w.sourceRevisions,
      step: 'bake-passed',
    });
    ctx.log.info({ env: env.name, releaseId: w.releaseId }, 'bake passed');
  } else if (w.state === 'tripped') {
    const i = await loadIncident(ctx, { env: env.name, releaseId: w.releaseId, trigger: 'alarm' });
    if (i) await handleIncident(ctx, i);
  }
}
