// The bake window after a release succeeded (domain/reactions/bake-window.ts): opened with a
// delayed `bake-end` job; a watched alarm entering ALARM inside it trips it into an incident;
// at its end DescribeAlarms is the backstop for events that never arrived, else "bake passed".
import { accountOf } from '../../aws/aws-clients.js';
import { readAlarms } from '../../aws/cloudwatch-adapter.js';
import type { EnvironmentConfig } from '../../config/config.js';
import { autoRollsBackOn } from '../../domain/reactions/auto-policy.js';
import {
  alarmTripsWindow,
  bakeEndOutcome,
  openBakeWindow,
} from '../../domain/reactions/bake-window.js';
import type { SourceRevision } from '../../domain/releases.js';
import type { AlarmEvent } from '../../events/domain-event.js';
import type { BakeEndJob } from '../../jobs/queues.js';
import type { ReactionContext } from './context.js';
import { updateFeed } from './deploy-feed.js';
import type { Release } from './event-release.js';
import { handleIncident } from './incident.js';
import { loadIncident, seedIncident } from './incident-record.js';

/** Opens the release's window (a newer release replaces it) and schedules its end. */
export async function startBake(
  ctx: ReactionContext,
  env: EnvironmentConfig,
  r: Release,
  sourceRevisions: SourceRevision[],
): Promise<void> {
  const window = openBakeWindow({
    env: env.name,
    ...(r.stage ? { stage: r.stage } : {}),
    releaseId: r.releaseId,
    sourceRevisions,
    startedAt: r.at,
    bakeMs: env.bakeMs,
  });
  await ctx.store.openBakeWindow(window);
  await updateFeed(ctx, env, {
    releaseId: r.releaseId,
    ...(r.stage ? { stage: r.stage } : {}),
    sourceRevisions,
    step: 'succeeded',
  });
  // Idempotent job id: a duplicate event adds nothing.
  await ctx.timers.bakeEnd(
    { env: env.name, ...(r.stage ? { stage: r.stage } : {}), releaseId: r.releaseId },
    ctx.timings.bakeCheckDelayMs ?? env.bakeMs,
  );
}

function windowStages(env: EnvironmentConfig): Array<string | undefined> {
  return env.target.kind === 'stage' ? Object.keys(env.target.stages) : [undefined];
}

/** A watched alarm went to ALARM: it trips each open window it fell inside. */
export async function alarmRaised(
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
  sourceRevisions: SourceRevision[],
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
