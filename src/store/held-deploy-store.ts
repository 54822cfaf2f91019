// Forward deploys into a CodeDeploy group that started while deploys were blocked: each one held
// once (announced with Stop, or stopped), and stopped at most once whoever asks.
//
//   <prefix>:guard:held:<id>        JSON HeldDeploy (id: region|deploymentId), created with SET NX:
//                                   the one reaction to this deployment
//   <prefix>:guard:held-stop:<id>   who called StopDeployment, created with SET NX: the one stop
//
// Both expire after 30 days. The Stop button carries only the id.
import type { RedisConnection } from './redis.js';

export interface HeldDeploy {
  id: string;
  env: string;
  region: string;
  application: string;
  deploymentGroup: string;
  deploymentId: string;
  /** What the environment's `codedeploy.duringBlock` said when it started. */
  mode: 'announce' | 'stop';
  /** The causes that held, in words, when it started. */
  causes: string[];
  /** The deployment's own description (outside text). */
  description?: string;
  at: number;
  /** Where it was said, once it was. */
  channel?: string;
  ts?: string;
  /** Set once StopDeployment was called for it. */
  stopped?: { by: string; at: number; status?: string };
  /** `stop` mode: AWS refused StopDeployment (what it said); the deployment goes on. */
  stopFailed?: string;
}

const TTL_SECONDS = 30 * 86_400;

export function heldDeployId(region: string, deploymentId: string): string {
  return `${region}|${deploymentId}`;
}

export function createHeldDeployStore(redis: RedisConnection, prefix: string) {
  const key = (id: string) => `${prefix}:guard:held:${id}`;
  const stopKey = (id: string) => `${prefix}:guard:held-stop:${id}`;
  const get = async (id: string): Promise<HeldDeploy | undefined> => {
    const raw = await redis.get(key(id));
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as HeldDeploy;
    } catch {
      return undefined;
    }
  };
  return {
    get,
    /**
     * Claims the one reaction to this deployment: `claimed` is false when another run already
     * holds it (then `held` is its record, to finish what that run started).
     */
    async claim(
      h: Omit<HeldDeploy, 'id'>,
    ): Promise<{ claimed: boolean; held: HeldDeploy | undefined }> {
      const held: HeldDeploy = { id: heldDeployId(h.region, h.deploymentId), ...h };
      const ok = await redis.set(key(held.id), JSON.stringify(held), 'EX', TTL_SECONDS, 'NX');
      return ok === 'OK' ? { claimed: true, held } : { claimed: false, held: await get(held.id) };
    },
    /** Records what happened since (posted, stopped); keeps the expiry. */
    async update(held: HeldDeploy): Promise<void> {
      await redis.set(key(held.id), JSON.stringify(held), 'KEEPTTL', 'XX');
    },
    /** Claims the one StopDeployment call for this deployment; false when already claimed. */
    async claimStop(id: string, by: string): Promise<boolean> {
      return (await redis.set(stopKey(id), by, 'EX', TTL_SECONDS, 'NX')) === 'OK';
    },
    /** Who claimed the stop, if anyone. */
    stoppedBy: (id: string): Promise<string | null> => redis.get(stopKey(id)),
    /** StopDeployment failed: another click (or the job's retry) may try again. */
    async releaseStop(id: string): Promise<void> {
      await redis.del(stopKey(id));
    },
  };
}

export type HeldDeployStore = ReturnType<typeof createHeldDeployStore>;
