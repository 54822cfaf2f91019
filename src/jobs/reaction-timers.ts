// The reaction-timers queue's producer: the reactions' delayed work, each kind under its own job
// name (TimerJobName), each once per what it checks (timerJobId, queues.ts).
import { openQueue, type QueueSetup } from './open-queue.js';
import {
  type BakeEndJob,
  type FollowRequestJob,
  type HealthProbeJob,
  JOB_OPTIONS,
  type RecoveryCheckJob,
  type TimerJobData,
  type TimerJobName,
  timerJobId,
} from './queues.js';

export interface ReactionTimers {
  /** The bake window's end check: one per environment, stage and release. */
  bakeEnd(data: BakeEndJob, delayMs: number): Promise<void>;
  /** A recovery read after a rollback; `tag` tells the reads of one rollback apart. */
  recoveryCheck(data: RecoveryCheckJob, delayMs: number, tag: string): Promise<void>;
  /** The next look at an automatic rollback's request (a new one each time). */
  followRequest(data: FollowRequestJob, delayMs: number): Promise<void>;
  /** One health URL attempt after a rollback; `tag` tells the attempts apart. */
  healthProbe(data: HealthProbeJob, delayMs: number, tag: string): Promise<void>;
  close(): Promise<void>;
}

/** `now`: makes each follow-up's id unique. */
export function createReactionTimers(setup: QueueSetup, now: () => number): ReactionTimers {
  const queue = openQueue<TimerJobData, TimerJobName>('timers', setup);
  const add = (name: TimerJobName, data: TimerJobData, jobId: string, delay: number) =>
    queue.add(name, data, { ...JOB_OPTIONS.timers, jobId, delay }).then(() => undefined);
  return {
    bakeEnd: (data, delayMs) =>
      add(
        'bake-end',
        data,
        timerJobId('bake', data.env, data.stage ?? '', data.releaseId),
        delayMs,
      ),
    recoveryCheck: (data, delayMs, tag) =>
      add('recovery-check', data, timerJobId('rc', data.env, data.rollbackId, tag), delayMs),
    followRequest: (data, delayMs) =>
      add('follow-request', data, timerJobId('fr', data.requestId, String(now())), delayMs),
    healthProbe: (data, delayMs, tag) =>
      add('health-probe', data, timerJobId('hp', data.env, data.rollbackId, tag), delayMs),
    close: () => queue.close(),
  };
}
