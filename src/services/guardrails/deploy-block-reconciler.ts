// Enforces stage locks in AWS. Per environment: deployBlock (freezes, blackouts, closed windows,
// blocking alarms) + the post-rollback lock of each guarded stage → decideStageLock against the
// inbound transition AWS reports → Disable/EnableStageTransition. Never touches someone else's
// disable. Announces a change of what holds once, and a release waiting at a held stage once.
//
// One environment at a time holds `guard:reconcile-lock:<env>`, so a full sweep and a freeze's
// own pass never act on the same transitions at once; a freeze, an unfreeze or an unlock reconciles
// only its own environments and waits for nothing else (it used to queue a pass behind the
// start-up sweep, which reads every environment in turn, and then sweep them all again itself).
//
// AWS is read only where there is something to enforce: an environment with a cause of the bot's
// now, or that the bot may have disabled a transition in (marked before the call, cleared once
// every transition is open again), or whose last announcement was not `clear`. A full sweep reads
// every environment at start-up, on a freeze, unfreeze, alarm or release, and every SWEEP_EVERY_MS.
import { type AwsClients, accountOf } from '../../aws/aws-clients.js';
import { readAlarms } from '../../aws/cloudwatch-adapter.js';
import { createCodePipelineAdapter } from '../../aws/codepipeline-adapter.js';
import type { Config, EnvironmentConfig } from '../../config/config.js';
import { alarmStatesByName, alarmSuppressionsByName } from '../../domain/alarms.js';
import {
  type BlockCause,
  type DeployBlock,
  decideStageLock,
  deployBlock,
  lockSignature,
  type StageLock,
} from '../../domain/stage-locks/index.js';
import type { Logger } from '../../log.js';
import type { FreezeStore } from '../../store/freeze-store.js';
import type { LockLiftStore } from '../../store/lock-lift-store.js';
import type { ReconcileStore } from '../../store/reconcile-store.js';
import type { StageLockStore, StagePlace, StoredLock } from '../../store/stage-lock-store.js';
import type { WaitingReleaseStore } from '../../store/waiting-release-store.js';
import { readInboundTransitions, type StageTransition } from './inbound-transitions.js';
import type { EnvLockView, LockAnnouncer, StageLockView } from './lock-announcer.js';
import { announceWaitingReleases } from './waiting-releases.js';

/** Every environment is read at least this often, blocked or not. */
export const SWEEP_EVERY_MS = 10 * 60_000;
/** How long a pass waits for another one working on the same environment. */
export const ENV_LOCK_WAIT_MS = 5_000;

export interface ReconcileDeps {
  /** Read every environment (else only those with something to enforce). Default true. */
  sweep?: boolean;
  /** Only these environments. Default every one. */
  only?: readonly string[];
  config: Config;
  aws: AwsClients;
  freezes: FreezeStore;
  locks: StageLockStore;
  waiting: WaitingReleaseStore;
  /** What passes remember (what was announced, where the bot may have disabled) and their leases. */
  passes: ReconcileStore;
  /**
   * The bot's own locks lifted for a rollback they held (src/jobs/own-lock-lift.ts): such a stage
   * is left enabled while the lift lasts. Default none.
   */
  lifts?: LockLiftStore;
  announcer: LockAnnouncer;
  log: Logger;
  now?: () => number;
  /** How long to wait for another pass on the same environment. Default ENV_LOCK_WAIT_MS. */
  envLockWaitMs?: number;
}

export type StageOutcome = StageLockView;

export interface EnvOutcome {
  env: string;
  /** Some cause holds on a guarded stage (the bot's or someone else's). */
  blocked: boolean;
  stages: StageOutcome[];
  error?: string;
  /** Not read: nothing holds, and nothing of ours to undo (see the top of this file). */
  skipped?: boolean;
}

export const placeOf = (env: EnvironmentConfig, stage: string): StagePlace => ({
  region: env.region,
  pipeline: env.target.kind === 'stage' ? env.target.pipeline : '',
  stage,
});

/** The block as it stands now for one environment (reads alarms when it has blocking ones). */
export async function currentDeployBlock(
  deps: Pick<ReconcileDeps, 'aws' | 'freezes'>,
  env: EnvironmentConfig,
  at: number,
): Promise<DeployBlock> {
  const [freezes, alarms] = await Promise.all([
    deps.freezes.list(at),
    readAlarms(deps.aws, accountOf(env), env.blockOnAlarms),
  ]);
  return deployBlock({
    env,
    now: new Date(at),
    freezes,
    alarmStates: alarmStatesByName(alarms),
    suppressed: alarmSuppressionsByName(alarms),
  });
}

export interface StageReading {
  decision: StageLock;
  actual: StageTransition;
}

/** Every guarded stage's causes and what to do, from what AWS and Redis say now. Reads only. */
export function decideStages(
  env: EnvironmentConfig,
  block: readonly BlockCause[],
  recorded: ReadonlyArray<StoredLock | undefined>,
  actual: ReadonlyMap<string, StageTransition>,
): StageReading[] {
  const stages = env.target.kind === 'stage' ? Object.keys(env.target.stages) : [];
  return stages.map((stage, i) => {
    const a = actual.get(stage) ?? { stage, enabled: true };
    const rec = recorded[i];
    return {
      actual: a,
      decision: decideStageLock({
        env: env.name,
        stage,
        block,
        ...(rec ? { recorded: rec } : {}),
        actual: a,
      }),
    };
  });
}

async function reconcileEnv(
  deps: ReconcileDeps,
  env: EnvironmentConfig,
  at: number,
): Promise<EnvOutcome> {
  if (env.target.kind !== 'stage') return { env: env.name, blocked: false, stages: [] };
  const pipeline = env.target.pipeline;
  const stages = Object.keys(env.target.stages);
  // If alarms or the pipeline cannot be read, change nothing: a guess could lift a real block.
  const block = await currentDeployBlock(deps, env, at);
  const recorded = await Promise.all(stages.map((s) => deps.locks.get(placeOf(env, s))));
  if (!block.blocked && deps.sweep === false && !recorded.some((r) => r?.state === 'locked')) {
    const { touched, announced } = await deps.passes.marks(env.name);
    if (!touched && (announced === undefined || announced === 'clear')) {
      return { env: env.name, blocked: false, stages: [], skipped: true };
    }
  }
  const actual = await readInboundTransitions(deps.aws, accountOf(env), pipeline);
  const cp = createCodePipelineAdapter(deps.aws, accountOf(env));
  const out: StageOutcome[] = [];
  for (const { decision: d, actual: a } of decideStages(env, block.causes, recorded, actual)) {
    const place = placeOf(env, d.stage);
    // Redis lost the lock; AWS's reason still names it: keep it.
    if (d.recovered) await deps.locks.lock(place, d.recovered, at);
    // Lifted for a rollback the lock held: left enabled until the rollback is in the stage.
    const lifted = d.action === 'disable' && a.enabled && (await deps.lifts?.get(place));
    const action = lifted ? 'none' : d.action;
    if (lifted) {
      deps.log.info(
        { env: env.name, pipeline, stage: d.stage, requestId: lifted.requestId },
        'guardrails: own lock lifted for a rollback; left enabled until it is in the stage',
      );
    } else if (action === 'disable') {
      // Marked first: a crash after the call still leaves the mark to look again.
      await deps.passes.markTouched(env.name);
      await cp.disableInbound(pipeline, d.stage, d.reason!);
    } else if (action === 'enable') await cp.enableInbound(pipeline, d.stage);
    else if (action === 'leave-foreign' && d.causes.length > 1) {
      deps.log.info(
        { env: env.name, pipeline, stage: d.stage, disabledReason: a.disabledReason },
        'guardrails: inbound transition disabled by someone else; left alone',
      );
    }
    const enabled = action === 'enable' ? true : action === 'disable' ? false : a.enabled;
    const disabledReason = action === 'disable' ? d.reason : enabled ? undefined : a.disabledReason;
    out.push({
      stage: d.stage,
      causes: d.causes,
      enabled,
      action,
      ...(disabledReason ? { disabledReason } : {}),
      ...(a.waitingExecutionId ? { waitingExecutionId: a.waitingExecutionId } : {}),
    });
  }
  // Nothing of ours is disabled any more: no need to read this environment until it is blocked.
  if (out.every((s) => s.enabled)) await deps.passes.clearTouched(env.name);
  // Once per change, whichever replica sees it first.
  const signature = lockSignature(out);
  const previous = await deps.passes.swapAnnounced(env.name, signature);
  // Saying so is not enforcing it: AWS is in line whether or not Slack took the message, and a
  // message Slack refused (rate limit, outage) is tried again by the next pass.
  if (previous !== signature && !(previous === undefined && signature === 'clear')) {
    const view: EnvLockView = { env, pipeline, block, stages: out };
    try {
      await deps.announcer.changed(view);
    } catch (err) {
      await deps.passes.restoreAnnounced(env.name, previous);
      notAnnounced(deps, env, err);
    }
  }
  await announceWaitingReleases(deps, env, out, at).catch((err: unknown) =>
    notAnnounced(deps, env, err),
  );
  return { env: env.name, blocked: out.some((s) => s.causes.length > 0), stages: out };
}

function notAnnounced(deps: ReconcileDeps, env: EnvironmentConfig, err: unknown): void {
  deps.log.warn(
    { env: env.name, err: { message: (err as Error).message } },
    'guardrails: could not announce a stage-lock change; the next pass tries again',
  );
}

/**
 * Runs `run` holding the environment's reconcile lock, waiting up to `waitMs` for another pass
 * on it to finish; throws when it does not.
 */
export async function withEnvLock<T>(
  passes: ReconcileStore,
  env: string,
  waitMs: number,
  run: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let release = await passes.lockEnv(env, 60_000);
  while (!release) {
    if (Date.now() >= deadline) {
      throw new Error(`another pass is still working on ${env}; it is looked at again shortly`);
    }
    await new Promise((r) => setTimeout(r, 50));
    release = await passes.lockEnv(env, 60_000);
  }
  try {
    return await run();
  } finally {
    await release();
  }
}

/**
 * Reconciles one environment holding its lock; `first` runs inside the lock before anything is
 * read (an unlock lifts the lock there, so no other pass acts on the old state in between). The
 * time the causes are judged at is read once the lock is held: a pass that waited behind another
 * (on another replica) judged by when it started would miss a freeze made meanwhile, re-enable
 * the transition the other pass had just disabled for it, and leave a third to disable it again.
 */
export function reconcileEnvironment(
  deps: ReconcileDeps,
  env: EnvironmentConfig,
  first?: () => Promise<void>,
): Promise<EnvOutcome> {
  const wait = deps.envLockWaitMs ?? ENV_LOCK_WAIT_MS;
  return withEnvLock(deps.passes, env.name, wait, async () => {
    await first?.();
    return reconcileEnv(deps, env, (deps.now ?? Date.now)());
  });
}

/** One pass over the environments; an environment that fails does not stop the others. */
export async function reconcileDeployBlocks(deps: ReconcileDeps): Promise<EnvOutcome[]> {
  const results: EnvOutcome[] = [];
  for (const env of Object.values(deps.config.environments)) {
    if (deps.only && !deps.only.includes(env.name)) continue;
    try {
      results.push(await reconcileEnvironment(deps, env));
    } catch (err) {
      deps.log.warn(
        { env: env.name, err: { message: (err as Error).message } },
        'guardrails: reconcile failed for an environment; will try again',
      );
      results.push({ env: env.name, blocked: false, stages: [], error: (err as Error).message });
    }
  }
  return results;
}

/**
 * Whether a pass should read every environment: any pass not periodic (start-up, freeze,
 * unfreeze, alarm), and a periodic one when no sweep ran in the last SWEEP_EVERY_MS.
 */
export async function sweepDue(passes: ReconcileStore, why: string): Promise<boolean> {
  const marked = await passes.markSweep(SWEEP_EVERY_MS);
  return why !== 'periodic' || marked;
}

/** Serialises full passes across replicas; the loser looks again shortly. */
export async function withReconcileLock<T>(
  passes: ReconcileStore,
  run: () => Promise<T>,
): Promise<T | undefined> {
  const held = await passes.withPassLock(60_000, run);
  return held.ran ? held.value : undefined;
}
