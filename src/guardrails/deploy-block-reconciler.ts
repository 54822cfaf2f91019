// Enforces the deploy block in AWS: per environment, deployBlock (freezes, blackouts, closed
// windows, blocking alarms) → for each guarded stage, reconcileTransitions against the inbound
// transition AWS reports → Disable/EnableStageTransition. Never re-enables someone else's
// block. Announces a change of block in the environment's channel once.
//
// AWS is read only where there is something to enforce: an environment that is blocked now, or
// that the bot may have disabled a transition in (marked before the call, cleared once every
// transition is open again), or whose last announcement was a block. A full sweep reads every
// environment at start-up, on a freeze, unfreeze or alarm, and every SWEEP_EVERY_MS: 200
// unblocked environments no longer cost 200 GetPipelineState every 30 s.
import type { Redis } from 'ioredis';
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import {
  type DeployBlock,
  deployBlock,
  deployBlockTransitionReason,
  reconcileTransitions,
  type TransitionAction,
} from '../domain/guardrails/index.js';
import type { Logger } from '../log.js';
import { readAlarmStates, statesOnly } from './alarm-states.js';
import type { FreezeStore } from './freeze-store.js';
import { readInboundTransitions } from './inbound-transitions.js';

export interface Announcer {
  post(channel: string, message: { text: string; blocks: unknown[] }): Promise<void>;
}

/** Every environment is read at least this often, blocked or not. */
export const SWEEP_EVERY_MS = 10 * 60_000;

export interface ReconcileDeps {
  /** Read every environment (else only those with something to enforce). Default true. */
  sweep?: boolean;
  config: Config;
  aws: AwsClients;
  freezes: FreezeStore;
  redis: Redis;
  prefix: string;
  announcer: Announcer;
  log: Logger;
  now?: () => number;
}

export interface StageOutcome {
  stage: string;
  action: TransitionAction;
  disabledReason?: string;
}

export interface EnvOutcome {
  env: string;
  blocked: boolean;
  reason?: string;
  stages: StageOutcome[];
  error?: string;
  /** Not read: unblocked, and nothing of ours to undo (see the top of this file). */
  skipped?: boolean;
}

const account = (env: EnvironmentConfig): Account => ({
  region: env.region,
  ...(env.roleArn ? { roleArn: env.roleArn } : {}),
});

/** The block as it stands now for one environment (reads alarms when it has blocking ones). */
export async function currentDeployBlock(
  deps: Pick<ReconcileDeps, 'aws' | 'freezes'>,
  env: EnvironmentConfig,
  at: number,
): Promise<DeployBlock> {
  const [freezes, alarms] = await Promise.all([
    deps.freezes.list(at),
    env.blockOnAlarms.length > 0
      ? readAlarmStates(deps.aws, account(env), env.blockOnAlarms)
      : Promise.resolve({}),
  ]);
  return deployBlock({ env, now: new Date(at), freezes, alarmStates: statesOnly(alarms) });
}

function announcement(env: EnvironmentConfig, block: DeployBlock, stages: string[]) {
  const where = env.target.kind === 'stage' ? `${env.target.pipeline} / ${stages.join(', ')}` : '';
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (block.blocked) {
    const causes = block.causes.map((c) => `• ${esc(c.reason.slice(0, 300))}`).join('\n');
    const text = `:octagonal_sign: Forward deploys into ${env.name} are blocked. The inbound transition of ${where} is disabled until the block lifts.`;
    const rollbacks = {
      allow: 'Rollbacks are still allowed.',
      'require-approval': 'Rollbacks need approval while it lasts.',
      deny: 'Rollbacks are denied while a freeze lasts.',
    }[env.windows.rollbacksDuringFreeze];
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `${esc(text)}\n${causes}` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: rollbacks }] },
      ],
    };
  }
  const text = `:white_check_mark: Forward deploys into ${env.name} are open again: the inbound transition of ${where} is re-enabled.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: esc(text) } }] };
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
  const reason = block.blocked ? deployBlockTransitionReason(block.causes) : undefined;
  const key = `${deps.prefix}:guard:announced:${env.name}`;
  const touchedKey = `${deps.prefix}:guard:touched:${env.name}`;
  if (!block.blocked && deps.sweep === false) {
    const [touched, announced] = await deps.redis.mget(touchedKey, key);
    if (touched === null && (announced === null || announced === 'clear')) {
      return { env: env.name, blocked: false, stages: [], skipped: true };
    }
  }
  const actual = await readInboundTransitions(deps.aws, account(env), pipeline);
  const cp = createCodePipelineAdapter(deps.aws, account(env));
  const out: StageOutcome[] = [];
  for (const stage of stages) {
    const a = actual.get(stage) ?? { stage, enabled: true };
    const action = reconcileTransitions(
      { blocked: block.blocked, ...(reason ? { reason } : {}) },
      a,
    );
    if (action === 'disable') {
      // Marked first: a crash after the call still leaves the mark to look again.
      await deps.redis.set(touchedKey, '1');
      await cp.disableInbound(pipeline, stage, reason!);
    } else if (action === 'enable') await cp.enableInbound(pipeline, stage);
    else if (action === 'leave-foreign' && block.blocked !== !a.enabled) {
      deps.log.info(
        { env: env.name, pipeline, stage, disabledReason: a.disabledReason },
        'guardrails: inbound transition disabled by someone else; left alone',
      );
    }
    out.push({
      stage,
      action,
      ...(a.disabledReason ? { disabledReason: a.disabledReason } : {}),
    });
  }
  // Nothing of ours is disabled any more: no need to read this environment until it is blocked.
  // (Unblocked and every call above succeeded: each deploy block of ours was enabled.)
  if (!block.blocked) await deps.redis.del(touchedKey);
  // Once per change, whichever replica sees it first.
  const signature = reason ?? 'clear';
  const previous = await deps.redis.set(key, signature, 'GET');
  if (previous !== signature && !(previous === null && !block.blocked)) {
    try {
      await deps.announcer.post(env.channel, announcement(env, block, stages));
    } catch (err) {
      if (previous === null) await deps.redis.del(key);
      else await deps.redis.set(key, previous);
      throw err;
    }
  }
  return { env: env.name, blocked: block.blocked, ...(reason ? { reason } : {}), stages: out };
}

/** One pass over every environment; an environment that fails does not stop the others. */
export async function reconcileDeployBlocks(deps: ReconcileDeps): Promise<EnvOutcome[]> {
  const at = (deps.now ?? Date.now)();
  const results: EnvOutcome[] = [];
  for (const env of Object.values(deps.config.environments)) {
    try {
      results.push(await reconcileEnv(deps, env, at));
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
export async function sweepDue(redis: Redis, prefix: string, why: string): Promise<boolean> {
  const marked = await redis.set(`${prefix}:guard:last-sweep`, '1', 'PX', SWEEP_EVERY_MS, 'NX');
  return why !== 'periodic' || marked === 'OK';
}

/** Serialises passes across replicas; the loser looks again shortly. */
export async function withReconcileLock<T>(
  redis: Redis,
  prefix: string,
  run: () => Promise<T>,
): Promise<T | undefined> {
  const key = `${prefix}:guard:reconcile-lock`;
  const token = `${process.pid}-${Math.random()}`;
  if ((await redis.set(key, token, 'PX', 60_000, 'NX')) !== 'OK') return undefined;
  try {
    return await run();
  } finally {
    // Compare-and-delete in one step: never drop a lock another replica took after ours lapsed.
    await redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      key,
      token,
    );
  }
}
