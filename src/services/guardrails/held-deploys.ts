// Forward deploys into a CodeDeploy group while deploys are blocked (a freeze, a blackout, outside
// the window, a blocking alarm). A group has no transition to disable, so the bot reacts when a
// deployment STARTS: per environment (`codedeploy.duringBlock`), it announces the deployment in the
// channel with a Stop button, or stops it (StopDeployment with autoRollbackEnabled) and says so.
// Rollbacks, CodeDeploy's or ours, are never held. Each deployment is held once and stopped at
// most once (src/store/held-deploy-store.ts); every hold and stop is audited.
import { type AwsClients, accountOf } from '../../aws/aws-clients.js';
import { AwsCallError } from '../../aws/aws-errors.js';
import { createCodeDeployAdapter } from '../../aws/codedeploy-adapter.js';
import type { Config, EnvironmentConfig } from '../../config/config.js';
import { isRollbackDeployment } from '../../domain/deployment-releases.js';
import type { BlockCause } from '../../domain/stage-locks/index.js';
import type { DeploymentEvent, DomainEvent } from '../../events/domain-event.js';
import { routeEvent } from '../../events/route-event.js';
import type { Logger } from '../../log.js';
import type { FreezeStore } from '../../store/freeze-store.js';
import type { HeldDeploy, HeldDeployStore } from '../../store/held-deploy-store.js';
import { currentDeployBlock } from './deploy-block-reconciler.js';

/** What the holds tell people, rendered and posted by src/slack/held-deploy-announcer.ts. */
export interface HeldDeployAnnouncer {
  /** A deployment started while blocked: announced (with Stop) or stopped. Returns the message. */
  held(
    env: EnvironmentConfig,
    held: HeldDeploy,
    causes: readonly BlockCause[],
  ): Promise<{
    channel: string;
    ts?: string;
  }>;
}

export interface HeldDeployDeps {
  config: Config;
  aws: AwsClients;
  freezes: FreezeStore;
  store: HeldDeployStore;
  announcer: HeldDeployAnnouncer;
  /** The audit stream (store/audit-stream.ts createAttemptAudit writes it). */
  audit: {
    record(entry: {
      by: string;
      event: string;
      env: string;
      deployment: string;
      detail: string;
    }): Promise<void>;
  };
  log: Logger;
  now?: () => number;
}

export type StopOutcome =
  | { ok: true; held: HeldDeploy }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'already-stopped'; held: HeldDeploy; by: string };

export function createHeldDeploys(deps: HeldDeployDeps) {
  const now = deps.now ?? Date.now;

  /** The one StopDeployment call for `held`; undefined when someone already made it. */
  async function stopOnce(held: HeldDeploy, by: string): Promise<HeldDeploy | undefined> {
    if (!(await deps.store.claimStop(held.id, by))) return undefined;
    const env = deps.config.environments[held.env];
    const account = accountOf(env ?? { region: held.region });
    let status: string | undefined;
    try {
      status = await createCodeDeployAdapter(deps.aws, account).stopWithRollback(held.deploymentId);
    } catch (err) {
      await deps.store.releaseStop(held.id);
      throw err;
    }
    const next: HeldDeploy = {
      ...held,
      stopped: { by, at: now(), ...(status ? { status } : {}) },
    };
    await deps.store.update(next);
    await deps.audit.record({
      by,
      event: 'deploy-stopped',
      env: held.env,
      deployment: held.deploymentId,
      detail: `StopDeployment(autoRollbackEnabled) on a forward deploy into ${held.application}/${held.deploymentGroup} while blocked (${held.causes.join('; ')})${status ? `: ${status}` : ''}`,
    });
    return next;
  }

  async function holdIn(env: EnvironmentConfig, e: DeploymentEvent) {
    const t = env.target;
    if (t.kind !== 'deployment-group') return;
    const at = now();
    const block = await currentDeployBlock(deps, env, at);
    if (!block.blocked) return;
    const d = await createCodeDeployAdapter(deps.aws, accountOf(env)).getDeployment(e.deploymentId);
    if (isRollbackDeployment(d)) return;
    const { claimed, held: found } = await deps.store.claim({
      env: env.name,
      region: env.region,
      application: t.application,
      deploymentGroup: t.deploymentGroup,
      deploymentId: e.deploymentId,
      mode: t.duringBlock,
      causes: block.causes.map((c) => c.reason),
      ...(d.description ? { description: d.description } : {}),
      at,
    });
    if (!found || found.channel) return; // said already
    let held = found;
    if (claimed) {
      await deps.audit.record({
        by: 'rollback-bot',
        event: 'deploy-held',
        env: env.name,
        deployment: held.deploymentId,
        detail: `${held.mode === 'stop' ? 'stopping' : 'announcing'} a forward deploy into ${held.application}/${held.deploymentGroup} while blocked (${held.causes.join('; ')})`,
      });
    }
    if (held.mode === 'stop' && !held.stopped && !held.stopFailed) {
      try {
        held = (await stopOnce(held, 'rollback-bot')) ?? (await deps.store.get(held.id)) ?? held;
      } catch (err) {
        // AWS refused (the deployment already ended, a permission): retrying changes nothing, so
        // it is said in the channel and audited instead.
        if (!(err instanceof AwsCallError) || err.kind !== 'unrecoverable') throw err;
        held = { ...held, stopFailed: err.message.slice(0, 500) };
        await deps.store.update(held);
        await deps.audit.record({
          by: 'rollback-bot',
          event: 'deploy-stop-failed',
          env: env.name,
          deployment: held.deploymentId,
          detail: held.stopFailed!,
        });
      }
    }
    const where = await deps.announcer.held(env, held, block.causes);
    await deps.store.update({
      ...held,
      channel: where.channel,
      ...(where.ts ? { ts: where.ts } : {}),
    });
  }

  return {
    /** Called by the reaction workers for every domain event. */
    async onEvent(event: DomainEvent): Promise<void> {
      if (event.type !== 'DeploymentStarted') return;
      for (const name of routeEvent(deps.config, event)) {
        const env = deps.config.environments[name];
        if (env) await holdIn(env, event);
      }
    },
    get: (id: string) => deps.store.get(id),
    /** The Stop button (permission checked by the caller): StopDeployment once, audited. */
    async stop(id: string, by: string): Promise<StopOutcome> {
      const held = await deps.store.get(id);
      if (!held) return { ok: false, reason: 'missing' };
      const done = await stopOnce(held, by);
      if (done) return { ok: true, held: done };
      const first = await deps.store.stoppedBy(id);
      return { ok: false, reason: 'already-stopped', held, by: first ?? 'someone' };
    },
  };
}

export type HeldDeploys = ReturnType<typeof createHeldDeploys>;
